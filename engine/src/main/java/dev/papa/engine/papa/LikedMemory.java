package dev.papa.engine.papa;

import dev.papa.engine.checkpoint.Tensors;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The user's most recent liked images, replayed into later rounds' updates. A round in which the
 * user dislikes everything otherwise has nothing to pull the model towards, only images to push
 * it away from; replaying what the user liked keeps that pull (docs/alignment.md, "Replaying
 * liked images"). Labels are not spent again: a replayed image carries the reaction it got.
 */
public final class LikedMemory {

    /** Images kept: enough to span several recent rounds, small enough to publish with the adapter. */
    public static final int CAPACITY = 100;

    private static final String PIXELS = "memory.pixels";
    private static final String VALUES = "memory.values";

    private final ArrayDeque<FeedbackExample> liked = new ArrayDeque<>();

    public int size() {
        return liked.size();
    }

    /** Keeps the liked examples of a round (those {@code applied} to the update), oldest out first. */
    public void remember(List<FeedbackExample> examples, boolean[] applied) {
        for (int i = 0; i < examples.size(); i++) {
            if (applied[i] && examples.get(i).value() > 0) {
                liked.addLast(examples.get(i));
                if (liked.size() > CAPACITY) {
                    liked.removeFirst();
                }
            }
        }
    }

    /** {@code count} remembered examples drawn uniformly with replacement; none while empty. */
    public List<FeedbackExample> draw(int count, SplittableRandom random) {
        List<FeedbackExample> all = new ArrayList<>(liked);
        List<FeedbackExample> drawn = new ArrayList<>(count);
        for (int i = 0; i < count && !all.isEmpty(); i++) {
            drawn.add(all.get(random.nextInt(all.size())));
        }
        return drawn;
    }

    public void clear() {
        liked.clear();
    }

    /** Adds the memory to {@code tensors} (grey levels as floats, one row per image). */
    public void writeTo(Tensors tensors) {
        if (liked.isEmpty()) {
            return;
        }
        int pixelsPerImage = liked.peekFirst().pixels().length;
        float[] pixels = new float[liked.size() * pixelsPerImage];
        float[] values = new float[liked.size()];
        int row = 0;
        for (FeedbackExample e : liked) {
            for (int p = 0; p < pixelsPerImage; p++) {
                pixels[row * pixelsPerImage + p] = e.pixels()[p] & 0xFF;
            }
            values[row++] = e.value();
        }
        tensors.put(PIXELS, new Tensors.Tensor(new long[] {liked.size(), pixelsPerImage}, pixels));
        tensors.put(VALUES, new Tensors.Tensor(new long[] {liked.size()}, values));
    }

    /**
     * Replaces the memory with the one in {@code tensors}; empty if they hold none (a state saved
     * before the memory existed).
     *
     * @throws IllegalArgumentException if the stored images do not have {@code pixelsPerImage} pixels
     */
    public void readFrom(Tensors tensors, int pixelsPerImage) {
        liked.clear();
        if (!tensors.contains(PIXELS)) {
            return;
        }
        Tensors.Tensor pixels = tensors.get(PIXELS);
        float[] values = tensors.get(VALUES).values();
        if (pixels.shape().length != 2 || pixels.shape()[1] != pixelsPerImage || pixels.shape()[0] != values.length) {
            throw new IllegalArgumentException("remembered images do not fit this model's " + pixelsPerImage + " pixels");
        }
        for (int row = 0; row < values.length && row < CAPACITY; row++) {
            byte[] image = new byte[pixelsPerImage];
            for (int p = 0; p < pixelsPerImage; p++) {
                image[p] = (byte) Math.round(pixels.values()[row * pixelsPerImage + p]);
            }
            liked.addLast(new FeedbackExample(image, values[row]));
        }
    }
}
