package dev.papa.engine.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * Seeded Gaussian noise. Sampling draws its noise from a per-request generator, not the
 * engine's global one, so an image is reproducible from its seed whatever runs beside it.
 */
public final class Noise {

    private Noise() {}

    public static NDArray normal(NDManager manager, Shape shape, SplittableRandom random) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) gaussian(random);
        }
        return manager.create(values, shape);
    }

    /** One standard normal draw (Box–Muller). */
    public static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
