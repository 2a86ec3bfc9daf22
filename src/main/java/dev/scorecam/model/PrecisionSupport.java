package dev.scorecam.model;

import ai.djl.Device;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which precision a model actually runs in on a device, decided once at start-up and said in the log. */
final class PrecisionSupport {

    private static final Logger log = LoggerFactory.getLogger(PrecisionSupport.class);

    private PrecisionSupport() {}

    /**
     * On a GPU, as asked. On the CPU: fp16 is refused (libtorch's CPU kernels emulate it, slower
     * than fp32, so asking for it is a configuration mistake); bf16 without native bf16 falls back
     * to fp32 with a warning, so that one configuration can run on mixed nodes.
     */
    static Precision onDevice(String model, Precision asked, Device device, boolean cpuHasNativeBf16) {
        if (device.isGpu() || asked == Precision.FP32) {
            return asked;
        }
        if (asked == Precision.FP16) {
            throw new IllegalStateException("Model " + model + ": precision fp16 is not served on the CPU (no fast "
                    + "fp16 kernels there); use bf16 on a CPU with AVX512-BF16 or AMX, or fp32");
        }
        if (!cpuHasNativeBf16) {
            log.warn("Model {}: precision bf16 asked, but this CPU has no native bf16 (AVX512-BF16 or AMX); "
                    + "serving fp32 instead", model);
            return Precision.FP32;
        }
        return asked;
    }
}
