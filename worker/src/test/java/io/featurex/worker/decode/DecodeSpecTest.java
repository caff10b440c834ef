package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DecodeSpecTest {

    @Test
    void decodingAsTheFrameworkDoesHasNoIdentityOfItsOwn() {
        assertThat(DecodeSpec.defaults(1000).identity(Preprocessing.CAFFE)).isEmpty();
        assertThat(DecodeSpec.defaults(1000).identity(Preprocessing.TORCH)).isEmpty();
        // Naming the framework's own choice explicitly changes nothing either; nor does the pixel limit.
        DecodeSpec explicit = new DecodeSpec(
                Optional.of(ResizePolicy.Fit.STRETCH),
                Optional.of(ResizePolicy.Interpolation.NEAREST),
                false,
                5,
                false,
                Optional.empty());
        assertThat(explicit.identity(Preprocessing.CAFFE)).isEmpty();
        // Both JPEG decoders give PIL's pixels: which one runs is no part of the model.
        assertThat(explicit.withJpegDecoder(JpegBackend.TURBO).identity(Preprocessing.CAFFE))
                .isEmpty();
        assertThat(explicit.withJpegDecoder(JpegBackend.IMAGEIO).identity(Preprocessing.CAFFE))
                .isEmpty();
    }

    @Test
    void everyDepartureFromTheFrameworkIsNamed() {
        DecodeSpec all = new DecodeSpec(
                Optional.of(ResizePolicy.Fit.SHORTER_SIDE_CROP),
                Optional.of(ResizePolicy.Interpolation.BILINEAR),
                true,
                1000,
                true,
                Optional.of(JpegBackend.TURBO));
        assertThat(all.identity(Preprocessing.CAFFE))
                .isEqualTo("resize=shorter-side-crop interpolation=bilinear exif-orientation jpeg-reduce=dct");
        assertThat(all.identity(Preprocessing.TORCH))
                .as("torchvision's own resize")
                .isEqualTo("exif-orientation jpeg-reduce=dct");
        // The two reduced decodes make different pixels, so vectors of one are not comparable with the other's.
        assertThat(all.withJpegDecoder(JpegBackend.IMAGEIO).identity(Preprocessing.TORCH))
                .isEqualTo("exif-orientation jpeg-reduce=subsample");
    }
}
