package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.List;

/**
 * A copy of a float32 VGG16 with its weights in a narrower precision.
 *
 * <p>DJL 0.33 does not implement {@code Block.cast} ("Not implemented yet") and a parameter's
 * array cannot be replaced once set, so the weights go into a freshly built network of the same
 * width, parameter by parameter; the float32 model is left untouched, to be the reference of the
 * load-time comparison.
 */
final class NarrowedModel {

    private NarrowedModel() {}

    static Model of(Model fp32, int widthDivisor, Device device, PrecisionCast cast, String engine) {
        Model model = Model.newInstance(fp32.getName() + "-" + cast.precision().key(), device, engine);
        try {
            Block block = Vgg16.build(widthDivisor);
            List<Parameter> from = fp32.getBlock().getParameters().values();
            List<Parameter> to = block.getParameters().values();
            if (from.size() != to.size()) {
                throw new IllegalStateException(
                        "float32 network has " + from.size() + " parameters, the copy " + to.size());
            }
            for (int i = 0; i < from.size(); i++) {
                NDArray source = from.get(i).getArray();
                NDArray copy = model.getNDManager().create(source.toFloatArray(), source.getShape());
                NDArray narrowed = cast.apply(copy);
                if (narrowed != copy) {
                    copy.close();
                }
                to.get(i).setArray(narrowed);
            }
            // Inference only. Also required: the bf16 cast module returns inference-mode tensors,
            // on which initialize() may not switch gradients on.
            block.freezeParameters(true);
            Vgg16.markInitialized(block, model.getNDManager());
            model.setBlock(block);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw new ModelLoadException(
                    "cannot make a " + cast.precision().key() + " copy of " + fp32.getName() + " on " + device + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
