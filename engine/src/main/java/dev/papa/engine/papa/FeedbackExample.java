package dev.papa.engine.papa;

import dev.papa.engine.data.ImageSet;

/**
 * One image the user reacted to and the reaction y ∈ [−1, 1] (+1 liked, −1 disliked, or a
 * rating). Pixels are grey bytes, row-major, as the user saw them.
 */
public record FeedbackExample(byte[] pixels, float value) {

    public FeedbackExample {
        if (!(value >= -1f && value <= 1f)) {
            throw new IllegalArgumentException("feedback value must be in [-1, 1], got " + value);
        }
    }

    float[] modelRange() {
        float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = ImageSet.toModelRange(pixels[i]);
        }
        return x;
    }
}
