package dev.papa.engine.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LearningRateScheduleTest {

    private static BaseModelTrainer.Settings settings(int steps, int decayFrom) {
        return new BaseModelTrainer.Settings(steps, 64, 1e-4, 200, decayFrom, 0.999, 250, 1);
    }

    @Test
    void warmsUpLinearlyThenHoldsThePeak() {
        BaseModelTrainer.Settings constant = settings(1000, 1000);
        assertEquals(1e-4 / 200, constant.learningRateAt(0), 1e-12);
        assertEquals(1e-4 * 100 / 200, constant.learningRateAt(99), 1e-12);
        assertEquals(1e-4, constant.learningRateAt(199), 1e-12);
        assertEquals(1e-4, constant.learningRateAt(999), 1e-12);
    }

    @Test
    void annealsAlongAHalfCosineToZeroAtTheLastStep() {
        BaseModelTrainer.Settings annealed = settings(2000, 1000);
        assertEquals(1e-4, annealed.learningRateAt(999), 1e-12);
        assertEquals(1e-4, annealed.learningRateAt(1000), 1e-12);
        assertEquals(0.5e-4, annealed.learningRateAt(1500), 1e-12);
        assertEquals(1e-4 * 0.5 * (1 + Math.cos(Math.PI * 0.75)), annealed.learningRateAt(1750), 1e-12);
        assertEquals(0, annealed.learningRateAt(2000), 1e-12);
    }
}
