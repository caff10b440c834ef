package io.featurex.worker.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused resize + centre crop against resizing the whole image and cropping after. */
class ResamplerTest {

    @Test
    void theCroppedResizeIsTheWindowOfTheFullOne() {
        Random random = new Random(11);
        int[][] sizes = {
            {600, 520},
            {520, 600},
            {4000, 300},
            {300, 4000},
            {100, 60},
            {256, 700},
            {700, 256},
            {224, 224},
            {257, 256},
            {1000, 999}
        };
        for (int[] size : sizes) {
            int width = size[0];
            int height = size[1];
            int[] src = new int[width * height];
            for (int i = 0; i < src.length; i++) {
                src[i] = random.nextInt(1 << 24);
            }
            int outWidth = width <= height ? 256 : (int) (256L * width / height);
            int outHeight = width <= height ? (int) (256L * height / width) : 256;
            int top = (int) Math.rint((outHeight - 224) / 2.0);
            int left = (int) Math.rint((outWidth - 224) / 2.0);
            int[] full = Resampler.bilinear(src, width, height, outWidth, outHeight);
            int[] window = new int[224 * 224];
            for (int y = 0; y < 224; y++) {
                System.arraycopy(full, (top + y) * outWidth + left, window, y * 224, 224);
            }
            int[] fused = Resampler.bilinear(src, width, height, outWidth, outHeight, left, top, 224, 224);
            assertThat(Arrays.equals(fused, window))
                    .as("%dx%d -> %dx%d, window at %d,%d", width, height, outWidth, outHeight, left, top)
                    .isTrue();
        }
    }
}
