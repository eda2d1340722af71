package dev.papa.engine.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreferenceMetricsTest {

    private static final List<Integer> PREFERRED = List.of(1, 4, 7, 9);

    @Test
    void uniformOverPreferredClassesHasFullCoverage() {
        int[] predicted = {1, 4, 7, 9, 1, 4, 7, 9, 9, 7, 4, 1};
        PreferenceMetrics m = PreferenceMetrics.of(predicted, PREFERRED, 10);
        assertEquals(1.0, m.coverage(), 1e-12);
        assertEquals(1.0, m.preferenceRatio(), 1e-12);
        assertEquals(12, m.imageCount());
    }

    @Test
    void collapseOntoOneClassHasZeroCoverage() {
        int[] predicted = {7, 7, 7, 7, 7, 0, 3};
        PreferenceMetrics m = PreferenceMetrics.of(predicted, PREFERRED, 10);
        assertEquals(0.0, m.coverage(), 1e-12);
        assertEquals(5.0 / 7, m.preferenceRatio(), 1e-12);
    }

    @Test
    void coverageIsTheNormalizedEntropyInBetween() {
        // 2 × class 1, 1 × class 4 within {1, 4}: H = −(2/3 ln 2/3 + 1/3 ln 1/3), normalized by ln 2.
        int[] predicted = {1, 1, 4, 0, 0, 0};
        double h = -(2.0 / 3 * Math.log(2.0 / 3) + 1.0 / 3 * Math.log(1.0 / 3));
        PreferenceMetrics m = PreferenceMetrics.of(predicted, List.of(1, 4), 10);
        assertEquals(h / Math.log(2), m.coverage(), 1e-12);
        assertEquals(0.5, m.preferenceRatio(), 1e-12);
    }

    @Test
    void preferenceRatioAndHistogramOfHandMadePredictions() {
        int[] predicted = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1};
        PreferenceMetrics m = PreferenceMetrics.of(predicted, PREFERRED, 10);
        assertEquals(6.0 / 12, m.preferenceRatio(), 1e-12);
        assertArrayEquals(new int[] {1, 3, 1, 1, 1, 1, 1, 1, 1, 1}, m.histogram());
        assertEquals(Set.of(1, 4, 7, 9), m.preferred());
    }

    @Test
    void edgeCasesAreDefined() {
        // One preferred class: nothing to spread over, coverage 1 once it appears.
        assertEquals(1.0, PreferenceMetrics.of(new int[] {3, 3, 5}, List.of(3), 10).coverage());
        // No image in any preferred class: ratio 0, coverage 0.
        PreferenceMetrics none = PreferenceMetrics.of(new int[] {0, 2, 5}, PREFERRED, 10);
        assertEquals(0.0, none.preferenceRatio());
        assertEquals(0.0, none.coverage());
        assertTrue(Double.isNaN(PreferenceMetrics.of(new int[0], PREFERRED, 10).preferenceRatio()));
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PreferenceMetrics.of(new int[] {1}, List.of(), 10));
        assertThrows(IllegalArgumentException.class, () -> PreferenceMetrics.of(new int[] {1}, List.of(10), 10));
        assertThrows(IllegalArgumentException.class, () -> PreferenceMetrics.of(new int[] {11}, PREFERRED, 10));
    }
}
