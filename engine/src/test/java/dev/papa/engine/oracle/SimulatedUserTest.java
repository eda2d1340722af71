package dev.papa.engine.oracle;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.papa.engine.data.Datasets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedUserTest {

    private static final List<Integer> PREFERRED = List.of(1, 4, 7, 9);
    private static OracleClassifier oracle;
    private static NDManager manager;
    private static NDArray images;

    @BeforeAll
    static void setUp() {
        oracle = new OracleClassifier(OracleConfig.tiny(), 11);
        manager = NDManager.newBaseManager();
        images = Datasets.mnist().heldOut().toTensor(manager, IntStream.range(0, 1000).toArray());
    }

    @AfterAll
    static void tearDown() {
        manager.close();
        oracle.close();
    }

    @Test
    void preferredClassesAreValidated() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new SimulatedUser(oracle, List.of(), FeedbackMode.BINARY));
        assertTrue(empty.getMessage().contains("must not be empty"), empty.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new SimulatedUser(oracle, List.of(1, 10), FeedbackMode.BINARY));
        assertTrue(unknown.getMessage().contains("unknown preferred class 10"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SimulatedUser(oracle, List.of(-1), FeedbackMode.BINARY));
        assertThrows(IllegalArgumentException.class, () -> new SimulatedUser(oracle, null, FeedbackMode.BINARY));
        assertThrows(IllegalArgumentException.class, () -> new SimulatedUser(oracle, PREFERRED, FeedbackMode.BINARY, 1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new SimulatedUser(oracle, PREFERRED, FeedbackMode.BINARY, Double.NaN, 0));
        assertEquals(List.of(1, 4, 7, 9), List.copyOf(new SimulatedUser(oracle, List.of(9, 7, 4, 1, 1), FeedbackMode.BINARY).preferredClasses()));
    }

    @Test
    void likedMeansPredictedClassIsPreferred() {
        SimulatedUser user = new SimulatedUser(oracle, PREFERRED, FeedbackMode.BINARY);
        int[] predicted = oracle.predict(images);
        boolean[] liked = user.liked(images);
        float[] values = user.feedback(images);
        for (int i = 0; i < predicted.length; i++) {
            assertEquals(PREFERRED.contains(predicted[i]), liked[i]);
            assertEquals(liked[i] ? 1f : -1f, values[i]);
        }
    }

    @Test
    void feedbackModesMapLikedToValues() {
        boolean[] liked = new SimulatedUser(oracle, PREFERRED, FeedbackMode.BINARY).liked(images);
        float[] positive = new SimulatedUser(oracle, PREFERRED, FeedbackMode.POSITIVE_ONLY).feedback(images);
        List<SimulatedUser.Reaction> graded = new SimulatedUser(oracle, PREFERRED, FeedbackMode.GRADED).react(images);
        for (int i = 0; i < liked.length; i++) {
            assertEquals(liked[i] ? 1f : 0f, positive[i]);
            SimulatedUser.Reaction r = graded.get(i);
            assertEquals(2 * r.preferredProbability() - 1, r.value(), 1e-6);
            assertTrue(r.value() >= -1f && r.value() <= 1f);
        }
        float[] everything = new SimulatedUser(oracle, IntStream.range(0, 10).boxed().toList(), FeedbackMode.GRADED).feedback(images);
        for (float v : everything) {
            assertEquals(1f, v, 1e-5f);
        }
    }

    @Test
    void labelNoiseFlipsAtTheGivenRate() {
        boolean[] clean = new SimulatedUser(oracle, PREFERRED, FeedbackMode.BINARY).liked(images);
        SimulatedUser noisy = new SimulatedUser(oracle, PREFERRED, FeedbackMode.BINARY, 0.2, 42);
        int flips = 0;
        int total = 0;
        for (int round = 0; round < 3; round++) {
            boolean[] liked = noisy.liked(images);
            for (int i = 0; i < liked.length; i++) {
                flips += liked[i] != clean[i] ? 1 : 0;
                total++;
            }
        }
        double rate = (double) flips / total; // 3,000 draws: standard error ≈ 0.007
        assertEquals(0.2, rate, 0.03);

        // Seeded: the same seed flips the same images.
        boolean[] a = new SimulatedUser(oracle, PREFERRED, FeedbackMode.BINARY, 0.2, 7).liked(images);
        boolean[] b = new SimulatedUser(oracle, PREFERRED, FeedbackMode.BINARY, 0.2, 7).liked(images);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, clean));

        List<SimulatedUser.Reaction> graded = new SimulatedUser(oracle, PREFERRED, FeedbackMode.GRADED, 1.0, 1).react(images);
        for (SimulatedUser.Reaction r : graded) {
            assertTrue(r.flipped());
            assertEquals(-(2 * r.preferredProbability() - 1), r.value(), 1e-6);
        }
    }
}
