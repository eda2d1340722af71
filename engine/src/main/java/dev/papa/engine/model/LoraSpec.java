package dev.papa.engine.model;

/**
 * A LoRA adapter's size: every conv and linear layer W gets W + (alpha / rank) · B·A with
 * A (rank × in) random and B (out × rank) zero, so a fresh adapter changes nothing.
 * Rank 0 means no adapter parameters at all (the base model, or full fine-tuning).
 */
public record LoraSpec(int rank, float alpha) {

    public static final LoraSpec NONE = new LoraSpec(0, 0f);

    public LoraSpec {
        if (rank < 0 || (rank > 0 && !(alpha > 0))) {
            throw new IllegalArgumentException("LoRA needs rank >= 0 and alpha > 0, got rank " + rank + ", alpha " + alpha);
        }
    }

    public float scale() {
        return rank == 0 ? 0f : alpha / rank;
    }
}
