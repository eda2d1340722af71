package dev.papa.engine.image;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LinePlotTest {

    @Test
    void ticksAreRoundNumbersInsideTheRange() {
        assertEquals(List.of(2.0, 4.0, 6.0, 8.0), LinePlot.ticks(1, 8, LinePlot.tickStep(1, 8)), "rounds 1-8");
        assertEquals(List.of(50.0, 100.0, 150.0), LinePlot.ticks(23, 195, LinePlot.tickStep(23, 195)));
        List<Double> shares = LinePlot.ticks(0, 1, LinePlot.tickStep(0, 1));
        assertEquals(6, shares.size(), "0, 0.2, ..., 1: " + shares);
        assertEquals(0.6, shares.get(3), 1e-12);
    }

    @Test
    void rendersTheRequestedSize() {
        BufferedImage image = new LinePlot("t", "round", "share").add("a", new double[] {1, 2, 3}, new double[] {0.1, 0.5, 0.9})
                .yRange(0, 1).render(320, 200);
        assertEquals(320, image.getWidth());
        assertEquals(200, image.getHeight());
    }
}
