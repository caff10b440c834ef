package io.featurex.worker.infer;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** model.device's spellings as DJL devices. */
final class Devices {

    private Devices() {}

    static Device resolve(String name) {
        if (name.equals("auto")) {
            return Engine.getEngine(ModelLoader.ENGINE).getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        }
        if (name.equals("cpu")) {
            return Device.cpu();
        }
        if (name.equals("gpu")) {
            return Device.gpu();
        }
        if (name.startsWith("gpu:")) {
            return Device.gpu(Integer.parseInt(name.substring(4)));
        }
        throw new IllegalArgumentException("unknown device '" + name + "' (auto, cpu, gpu or gpu:N)");
    }
}
