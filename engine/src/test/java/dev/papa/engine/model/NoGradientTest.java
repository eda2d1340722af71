package dev.papa.engine.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.diffusion.DdimSampler;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.papa.AdapterKind;
import dev.papa.engine.papa.PersonalizedModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoGradientTest {

    /** A request worker is not the thread that loaded the engine: grad mode is on there. */
    @Test
    void turnsGradModeOffForTheInferenceAndBackOnAfter() throws Exception {
        Engine.getInstance(); // loads libtorch on this thread, as a service does at start
        boolean[] seen = CompletableFuture.supplyAsync(() -> new boolean[] {
                JniUtils.isGradMode(), NoGradient.run(JniUtils::isGradMode), JniUtils.isGradMode()}).get();
        assertTrue(seen[0], "precondition: grad mode is on for a thread that did not load the engine");
        assertFalse(seen[1], "grad mode still on inside");
        assertTrue(seen[2], "grad mode not restored");
    }

    /**
     * Sampling 10 images on a fresh thread with grad mode on grew the resident set by ~1.4 GiB
     * per thread (the sampler service reached 6.2 GiB in a demo); without autograd, ~0.1 GiB.
     */
    @Test
    void samplingOnAFreshThreadKeepsResidentMemorySmall() throws Exception {
        Path file = Path.of("../models/mnist-base.ckpt");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(file), "models/mnist-base.ckpt not present");
        try (PersonalizedModel model = PersonalizedModel.create(Checkpoint.read(file), AdapterKind.LORA, new LoraSpec(4, 4f))) {
            DdimSampler sampler = new DdimSampler(NoiseSchedule.reference(), 10, 0);
            long before = residentMiB();
            for (int i = 0; i < 2; i++) {
                CompletableFuture.runAsync(() -> {
                    try (NDManager m = NDManager.newBaseManager()) {
                        sampler.sample(model, model.imageShape(), 10, 0, new SplittableRandom(1), m).toFloatArray();
                    }
                }, runnable -> new Thread(runnable).start()).get();
            }
            long grown = residentMiB() - before;
            assertTrue(grown < 600, "two 10-image samplings on fresh threads grew the resident set by " + grown + " MiB");
        }
    }

    private static long residentMiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
