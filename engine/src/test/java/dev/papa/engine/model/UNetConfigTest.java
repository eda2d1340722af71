package dev.papa.engine.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.papa.engine.diffusion.Noise;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UNetConfigTest {

    @Test
    void everyNamedConfigSurvivesTheCheckpointHeader() {
        for (UNetConfig config : new UNetConfig[] {UNetConfig.mnist(), UNetConfig.mnistWide(), UNetConfig.tiny()}) {
            assertEquals(config, UNetConfig.fromProperties(config.toProperties()));
        }
    }

    /** The sizes the docs quote (models/README.md, UNetConfig's javadoc). */
    @Test
    void theWideModelDoublesTheChannelsAtSevenBySevenOnly() {
        try (UNetModel shipped = new UNetModel(UNetConfig.mnist(), LoraSpec.NONE);
             UNetModel wide = new UNetModel(UNetConfig.mnistWide(), LoraSpec.NONE);
             NDManager m = NDManager.newBaseManager()) {
            assertEquals(753_377, shipped.parameterCount(shipped.baseParameters()));
            assertEquals(1_932_193, wide.parameterCount(wide.baseParameters()));
            for (int level = 0; level < 2; level++) {
                assertEquals(UNetConfig.mnist().channels(level), UNetConfig.mnistWide().channels(level));
            }
            assertEquals(2 * UNetConfig.mnist().channels(2), UNetConfig.mnistWide().channels(2));
            Shape images = new Shape(2, 1, 28, 28);
            assertEquals(images, wide.predictNoise(Noise.normal(m, images, new SplittableRandom(1)),
                    m.create(new float[] {10, 900}), false, false).getShape());
        }
    }

    @Test
    void aShapeThatDoesNotHalveOrGroupIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new UNetConfig(28, 1, 32, new int[] {1, 2, 2, 2}, 8, 128));
        assertThrows(IllegalArgumentException.class, () -> new UNetConfig(28, 1, 12, new int[] {1, 2}, 8, 128));
    }
}
