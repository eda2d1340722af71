package dev.papa.engine.oracle;

import ai.djl.ndarray.NDManager;
import dev.papa.engine.data.Datasets;
import dev.papa.engine.data.ImageSet;
import dev.papa.engine.metrics.FrechetReference;
import dev.papa.engine.metrics.PreferenceMetrics;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Checks the committed models/mnist-oracle.ckpt, when present (tests run with cwd = engine/). */
class ShippedOracleTest {

    private static final List<Integer> PREFERRED = List.of(1, 4, 7, 9);

    static Path shippedOracle() {
        for (Path candidate : List.of(Path.of("../models/mnist-oracle.ckpt"), Path.of("models/mnist-oracle.ckpt"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Test
    void classifiesHeldOutDigitsAccurately() {
        Path file = shippedOracle();
        assumeTrue(file != null, "models/mnist-oracle.ckpt not present");
        ImageSet heldOut = Datasets.mnist().heldOut();
        try (OracleClassifier oracle = OracleClassifier.load(file)) {
            double accuracy = oracle.accuracy(heldOut);
            assertTrue(accuracy >= 0.97, "held-out accuracy " + accuracy);

            // Real preferred digits: the preference ratio is the oracle's accuracy on them, the
            // classes are spread as in the data, and their Fréchet distance to themselves is ~0
            // while other digits are far.
            FrechetReference reference = FrechetReference.of(oracle, heldOut, PREFERRED);
            ImageSet preferred = heldOut.withLabels(1, 4, 7, 9);
            ImageSet others = heldOut.withLabels(0, 2, 3, 5, 6, 8);
            assertEquals(preferred.size(), reference.imageCount());
            try (NDManager manager = NDManager.newBaseManager()) {
                PreferenceMetrics m = PreferenceMetrics.of(oracle.predict(preferred.toTensor(manager)), PREFERRED, 10);
                assertTrue(m.preferenceRatio() > 0.97, "ratio " + m.preferenceRatio());
                assertTrue(m.coverage() > 0.95, "coverage " + m.coverage());
                double self = reference.distance(preferred.toTensor(manager));
                double other = reference.distance(others.toTensor(manager));
                assertTrue(self < 1e-3 * Math.max(1, other), "self distance " + self);
                assertTrue(other > 1.0, "distance to other digits " + other);
            }
        }
    }
}
