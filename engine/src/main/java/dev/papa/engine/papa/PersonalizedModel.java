package dev.papa.engine.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.CheckpointException;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.diffusion.Denoiser;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.model.UNetConfig;
import dev.papa.engine.model.UNetModel;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frozen base model plus one swappable adapter. The adapted prediction is what PAPA trains
 * and what samplers use for t ≥ k; the base prediction is the QPDE anchor and, under EPAPA, the
 * sampler's model for t &lt; k.
 *
 * <p>Not thread-safe: one adapter is loaded at a time. Callers serving several users load the
 * user's adapter and sample under one lock.
 */
public final class PersonalizedModel implements Denoiser, AutoCloseable {

    private static final long LORA_INIT_SEED = 20_250_101L;

    private final AdapterKind kind;
    private final String baseModelId;
    private final UNetModel adapted;
    /** Same object as {@link #adapted} for LoRA (its LoRA branches switch off); a frozen copy for FULL. */
    private final UNetModel base;
    private final Tensors initialAdapter;

    private PersonalizedModel(AdapterKind kind, String baseModelId, UNetModel adapted, UNetModel base) {
        this.kind = kind;
        this.baseModelId = baseModelId;
        this.adapted = adapted;
        this.base = base;
        List<Parameter> trainable = kind == AdapterKind.LORA ? adapted.loraParameters() : adapted.baseParameters();
        adapted.setTrainable(trainable);
        if (base != null) {
            base.setTrainable(List.of());
        } else {
            // Same version 0 in every process: a restarted trainer starts a new user identically.
            adapted.resetLora(LORA_INIT_SEED);
        }
        this.initialAdapter = adapterWeights();
    }

    public static PersonalizedModel create(Checkpoint baseModel, AdapterKind kind, LoraSpec lora) {
        String id = baseModel.id();
        return switch (kind) {
            case LORA -> {
                if (lora.rank() < 1) {
                    throw new IllegalArgumentException("a LoRA adapter needs rank >= 1");
                }
                yield new PersonalizedModel(kind, id, UNetModel.fromBaseCheckpoint(baseModel, lora), null);
            }
            case FULL -> new PersonalizedModel(kind, id, UNetModel.fromBaseCheckpoint(baseModel, LoraSpec.NONE),
                    UNetModel.fromBaseCheckpoint(baseModel, LoraSpec.NONE));
        };
    }

    public AdapterKind kind() {
        return kind;
    }

    /** Id of the base-model checkpoint every adapter of this model belongs to. */
    public String baseModelId() {
        return baseModelId;
    }

    public UNetConfig config() {
        return adapted.config();
    }

    public Shape imageShape() {
        UNetConfig c = config();
        return new Shape(c.imageChannels(), c.imageSize(), c.imageSize());
    }

    public NDArray predictNoise(NDArray x, NDArray t, boolean useAdapter, boolean training) {
        if (useAdapter) {
            return adapted.predictNoise(x, t, true, training);
        }
        return kind == AdapterKind.LORA ? adapted.predictNoise(x, t, false, training) : base.predictNoise(x, t, true, training);
    }

    @Override
    public NDArray predictNoise(NDArray x, int t, boolean useAdapter) {
        NDArray timesteps = x.getManager().full(new Shape(x.getShape().get(0)), (float) t);
        return predictNoise(x, timesteps, useAdapter, false);
    }

    public List<Parameter> trainableParameters() {
        return kind == AdapterKind.LORA ? adapted.loraParameters() : adapted.baseParameters();
    }

    public long trainableParameterCount() {
        return adapted.parameterCount(trainableParameters());
    }

    /** The current adapter as a checkpoint (kind, LoRA size and base id in its properties). */
    public Checkpoint exportAdapter() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("adapter.kind", kind.name());
        p.put("adapter.baseModel", baseModelId);
        p.put("lora.rank", Integer.toString(adapted.lora().rank()));
        p.put("lora.alpha", Float.toString(adapted.lora().alpha()));
        return new Checkpoint(Checkpoint.Kind.ADAPTER, p, adapterWeights());
    }

    /**
     * Swaps an adapter in after checking that it belongs to this base model, has this model's
     * kind and shapes, and holds only finite values; a bad adapter changes nothing.
     */
    public void loadAdapter(Checkpoint adapter) {
        adapter.expect(Checkpoint.Kind.ADAPTER);
        Map<String, String> p = adapter.properties();
        if (!baseModelId.equals(p.get("adapter.baseModel"))) {
            throw new CheckpointException("adapter was trained on base model " + p.get("adapter.baseModel")
                    + ", this sampler serves " + baseModelId);
        }
        if (!kind.name().equals(p.get("adapter.kind"))
                || !Integer.toString(adapted.lora().rank()).equals(p.get("lora.rank"))) {
            throw new CheckpointException("adapter is " + p.get("adapter.kind") + " rank " + p.get("lora.rank")
                    + ", this model takes " + kind + " rank " + adapted.lora().rank());
        }
        if (!adapter.tensors().allFinite()) {
            throw new CheckpointException("adapter holds non-finite values");
        }
        Tensors current = adapterWeights();
        for (Map.Entry<String, Tensors.Tensor> e : current.asMap().entrySet()) {
            if (!adapter.tensors().contains(e.getKey())
                    || !Arrays.equals(adapter.tensors().get(e.getKey()).shape(), e.getValue().shape())) {
                throw new CheckpointException("adapter lacks " + e.getKey() + " or has another shape for it");
            }
        }
        if (adapter.tensors().size() != current.size()) {
            throw new CheckpointException("adapter has " + adapter.tensors().size() + " tensors, expected " + current.size());
        }
        loadWeights(adapter.tensors());
    }

    /** Back to version 0: the adapter every new user starts from, equal to the base model. */
    public void resetAdapter() {
        loadWeights(initialAdapter);
    }

    private Tensors adapterWeights() {
        return kind == AdapterKind.LORA ? adapted.loraWeights() : adapted.baseWeights();
    }

    private void loadWeights(Tensors weights) {
        if (kind == AdapterKind.LORA) {
            adapted.loadLoraWeights(weights);
        } else {
            adapted.loadBaseWeights(weights);
        }
    }

    @Override
    public void close() {
        adapted.close();
        if (base != null) {
            base.close();
        }
    }
}
