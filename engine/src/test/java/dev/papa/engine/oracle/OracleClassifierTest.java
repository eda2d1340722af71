package dev.papa.engine.oracle;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.CheckpointException;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.data.Datasets;
import dev.papa.engine.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OracleClassifierTest {

    private static final ImageSet DIGITS = Datasets.mnist().heldOut().slice(0, 300);

    @Test
    void checkpointRoundTripGivesTheSameOutputs(@TempDir Path dir) {
        Path file = dir.resolve("oracle.ckpt");
        try (OracleClassifier oracle = new OracleClassifier(OracleConfig.tiny(), 3);
             NDManager manager = NDManager.newBaseManager()) {
            oracle.toCheckpoint(Map.of("oracle.dataset", "test")).write(file);
            NDArray images = DIGITS.toTensor(manager, IntStream.range(0, 300).toArray());
            NDArray p = oracle.probabilities(images);
            assertArrayEquals(new long[] {300, 10}, p.getShape().getShape());
            float[] sums = p.sum(new int[] {1}).toFloatArray();
            for (float s : sums) {
                assertEquals(1f, s, 1e-5f);
            }
            NDArray f = oracle.features(images);
            assertArrayEquals(new long[] {300, 32}, f.getShape().getShape());
            try (OracleClassifier loaded = OracleClassifier.load(file)) {
                assertEquals(OracleConfig.tiny(), loaded.config());
                assertEquals("test", loaded.properties().get("oracle.dataset"));
                assertArrayEquals(p.toFloatArray(), loaded.probabilities(images).toFloatArray(), 1e-6f);
                assertArrayEquals(f.toFloatArray(), loaded.features(images).toFloatArray(), 1e-6f);
                assertArrayEquals(oracle.predict(images), loaded.predict(images));
            }
        }
    }

    @Test
    void wrongKindsShapesAndArchitecturesAreRejected() {
        try (OracleClassifier oracle = new OracleClassifier(OracleConfig.tiny(), 3)) {
            Checkpoint good = oracle.toCheckpoint(Map.of());
            Checkpoint base = new Checkpoint(Checkpoint.Kind.BASE_MODEL, good.properties(), good.tensors());
            assertThrows(CheckpointException.class, () -> OracleClassifier.fromCheckpoint(base));

            Map<String, String> wider = new LinkedHashMap<>(good.properties());
            wider.put("oracle.channels", "8,16,17");
            CheckpointException shape = assertThrows(CheckpointException.class,
                    () -> OracleClassifier.fromCheckpoint(new Checkpoint(Checkpoint.Kind.ORACLE, wider, good.tensors())));
            assertTrue(shape.getMessage().contains("shape"), shape.getMessage());

            Map<String, String> other = new LinkedHashMap<>(good.properties());
            other.put("oracle.architecture", "resnet");
            assertThrows(CheckpointException.class,
                    () -> OracleClassifier.fromCheckpoint(new Checkpoint(Checkpoint.Kind.ORACLE, other, good.tensors())));

            Tensors missing = new Tensors();
            good.tensors().asMap().forEach((name, t) -> {
                if (!name.startsWith("logits")) {
                    missing.put(name, t);
                }
            });
            assertThrows(CheckpointException.class,
                    () -> OracleClassifier.fromCheckpoint(new Checkpoint(Checkpoint.Kind.ORACLE, good.properties(), missing)));
        }
    }

    @Test
    void inputsOfAnotherShapeAreRejected() {
        try (OracleClassifier oracle = new OracleClassifier(OracleConfig.tiny(), 3);
             NDManager manager = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> oracle.probabilities(manager.zeros(new ai.djl.ndarray.types.Shape(2, 1, 14, 14))));
            assertThrows(IllegalArgumentException.class, () -> oracle.features(manager.zeros(new ai.djl.ndarray.types.Shape(2, 28, 28))));
        }
    }

    @Test
    void trainingLearnsAndResumesWhereItStopped(@TempDir Path dir) {
        Datasets.Split small = new Datasets.Split(Datasets.mnist().train().slice(0, 1000), DIGITS);
        OracleTrainer.Settings two = new OracleTrainer.Settings(2, 25, 3e-3, 2, 9);
        OracleTrainer.Result straight;
        try (OracleClassifier oracle = new OracleClassifier(OracleConfig.tiny(), 9)) {
            straight = new OracleTrainer(two).train(oracle, "mnist", small, null, new OracleTrainer.Listener() {});
        }
        assertTrue(straight.heldOutAccuracy() > 0.5, "accuracy " + straight.heldOutAccuracy());
        assertEquals(Checkpoint.Kind.ORACLE, straight.checkpoint().kind());
        assertEquals("mnist", straight.checkpoint().properties().get("oracle.dataset"));

        Path run = dir.resolve("run");
        try (OracleClassifier first = new OracleClassifier(OracleConfig.tiny(), 9)) {
            // A crash right after the first epoch was saved.
            assertThrows(IllegalStateException.class, () -> new OracleTrainer(two).train(first, "mnist", small, run,
                    new OracleTrainer.Listener() {
                        @Override
                        public void epoch(int epoch, int epochs, double meanLoss, double heldOutAccuracy) {
                            throw new IllegalStateException("simulated crash");
                        }
                    }));
        }
        OracleTrainer.Result resumed;
        int[] epochsSeen = new int[1];
        try (OracleClassifier second = new OracleClassifier(OracleConfig.tiny(), 123)) { // weights come from the run folder
            resumed = new OracleTrainer(two).train(second, "mnist", small, run, new OracleTrainer.Listener() {
                @Override
                public void epoch(int epoch, int epochs, double meanLoss, double heldOutAccuracy) {
                    epochsSeen[0]++;
                }
            });
        }
        assertEquals(1, epochsSeen[0], "only the second epoch runs after resuming");
        assertEquals(straight.heldOutAccuracy(), resumed.heldOutAccuracy(), 0.02);
        straight.checkpoint().tensors().asMap().forEach((name, t) ->
                assertArrayEquals(t.values(), resumed.checkpoint().tensors().get(name).values(), 1e-3f, name));

        try (OracleClassifier fashion = new OracleClassifier(OracleConfig.tiny(), 9)) {
            assertThrows(IllegalStateException.class,
                    () -> new OracleTrainer(two).train(fashion, "fashion-mnist", small, run, new OracleTrainer.Listener() {}));
        }
    }

    @Test
    void shiftMovesPixelsAndFillsWithBackground() {
        byte[] pixels = new byte[28 * 28];
        pixels[5 * 28 + 5] = (byte) 255;
        ImageSet one = new ImageSet("dot", 28, 28, pixels, new byte[] {0});
        float[] out = new float[28 * 28];
        OracleTrainer.shifted(one, 0, 2, -1, out, 0);
        for (int i = 0; i < out.length; i++) {
            assertEquals(i == 4 * 28 + 7 ? 1f : -1f, out[i], 1e-6f, "pixel " + i);
        }
    }
}
