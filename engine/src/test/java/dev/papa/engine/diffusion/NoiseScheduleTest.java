package dev.papa.engine.diffusion;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseScheduleTest {

    private final NoiseSchedule schedule = NoiseSchedule.reference();

    @Test
    void betasAreLinearFromOneInTenThousandToTwoPercent() {
        assertEquals(1000, schedule.steps());
        assertEquals(1e-4, schedule.beta(0), 1e-15);
        assertEquals(0.02, schedule.beta(999), 1e-15);
        assertEquals(1e-4 + (0.02 - 1e-4) * 500 / 999.0, schedule.beta(500), 1e-15);
    }

    @Test
    void alphaBarIsTheRunningProductOfOneMinusBeta() {
        double product = 1;
        for (int t = 0; t < 1000; t++) {
            product *= 1 - schedule.beta(t);
            assertEquals(product, schedule.alphaBar(t), 1e-12);
        }
        // closed form of the product's log for a linear schedule, to first order in β
        double sumOfBetas = 1000 * (1e-4 + 0.02) / 2;
        assertEquals(Math.exp(-sumOfBetas), schedule.alphaBar(999), 2e-5);
        assertEquals(4.04e-5, schedule.alphaBar(999), 1e-6);
    }

    @Test
    void elboWeightsFollowTheFormulaAndAreDefinedAtZero() {
        for (int t = 1; t < 1000; t++) {
            double expected = schedule.beta(t) / ((1 - schedule.beta(t)) * (1 - schedule.alphaBar(t - 1)));
            assertEquals(expected, schedule.elboWeight(t), 1e-12);
        }
        assertEquals(1 / schedule.alpha(0), schedule.elboWeight(0), 1e-12);
        assertTrue(Double.isFinite(schedule.elboWeight(0)));
        assertEquals(1.0, schedule.alphaBarPrevious(0));
    }

    @Test
    void rejectsNonsenseSchedules() {
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(1, 1e-4, 0.02));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10, 0.5, 0.1));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10, 0, 0.1));
    }
}
