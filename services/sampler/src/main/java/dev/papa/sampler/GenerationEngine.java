package dev.papa.sampler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.diffusion.DdimSampler;
import dev.papa.engine.diffusion.DdpmSampler;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.diffusion.Sampler;
import dev.papa.engine.image.PngImages;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.papa.AdapterKind;
import dev.papa.engine.papa.PersonalizedModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one {@link PersonalizedModel} of this instance: the frozen base model plus whichever user's
 * adapter was loaded last. The engine is not thread-safe and sampling saturates the CPU, so every
 * use (load an adapter and sample, or load an adapter to validate it) runs under one fair lock.
 */
@ApplicationScoped
public class GenerationEngine {

    private static final Logger LOG = Logger.getLogger(GenerationEngine.class);

    /** Sampler settings of one request, already validated. */
    public record Settings(String sampler, int steps, double eta, long seed) {
    }

    /** Grey pixels of each generated image (row-major, 0..255) and the adapter that made them. */
    public record Batch(ServedAdapter adapter, int width, int height, byte[][] pixels, int stepsTaken) {
    }

    @ConfigProperty(name = "papa.model.base-path")
    Path basePath;
    @ConfigProperty(name = "papa.model.lora-rank")
    int loraRank;
    @ConfigProperty(name = "papa.model.lora-alpha")
    float loraAlpha;

    @Inject
    MeterRegistry registry;

    private final ReentrantLock lock = new ReentrantLock(true);
    private final NoiseSchedule schedule = NoiseSchedule.reference();
    private volatile PersonalizedModel model;
    private volatile String baseModelId;
    /** (user, version) of the adapter currently in {@link #model}; guarded by {@link #lock}. */
    private String loadedUser;
    private long loadedVersion;
    private Timer sampling;

    void start(@Observes @Priority(10) StartupEvent event) {
        long start = System.nanoTime();
        Checkpoint base = Checkpoint.read(basePath);
        model = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(loraRank, loraAlpha));
        baseModelId = model.baseModelId();
        sampling = Timer.builder("papa.generation.duration")
                .description("Time to sample one request's images (adapter load included, lock wait excluded)")
                .register(registry);
        LOG.infof("base model %s (%s) loaded in %d ms, LoRA rank %d alpha %.1f", baseModelId, basePath,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), loraRank, loraAlpha);
    }

    void stop(@Observes ShutdownEvent event) {
        lock.lock();
        try {
            if (model != null) {
                model.close();
                model = null;
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isLoaded() {
        return model != null;
    }

    /** Checksum id of the base model; adapters must name it. */
    public String baseModelId() {
        return baseModelId;
    }

    /**
     * Samples {@code count} images with the given adapter version ({@code weights} null for version
     * 0, the base model). The adapter is loaded only if another one is in the model.
     */
    public Batch generate(ServedAdapter adapter, Checkpoint weights, int count, Settings settings) {
        Sampler sampler = switch (settings.sampler()) {
            case "ddpm" -> new DdpmSampler(schedule);
            case "ddim" -> new DdimSampler(schedule, settings.steps(), settings.eta());
            default -> throw new IllegalArgumentException("unknown sampler " + settings.sampler());
        };
        lock.lock();
        try {
            PersonalizedModel m = requireModel();
            long start = System.nanoTime();
            use(adapter.userId(), adapter.version(), weights);
            byte[][] pixels;
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray images = sampler.sample(m, m.imageShape(), count, adapter.adaptedFrom(),
                        new SplittableRandom(settings.seed()), manager);
                pixels = PngImages.toPixels(images);
            }
            sampling.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            int height = Math.toIntExact(m.imageShape().get(1));
            int width = Math.toIntExact(m.imageShape().get(2));
            return new Batch(adapter, width, height, pixels, sampler.modelCalls());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks an adapter by loading it into the model (base model id, kind, rank, tensor names and
     * shapes, finite values); throws {@link dev.papa.engine.checkpoint.CheckpointException} and
     * leaves the model's adapter as it was if anything is wrong. On success the adapter stays
     * loaded, ready for the user's next request.
     */
    public void validate(String userId, long version, Checkpoint weights) {
        Objects.requireNonNull(weights);
        lock.lock();
        try {
            requireModel().loadAdapter(weights);
            loadedUser = userId;
            loadedVersion = version;
        } finally {
            lock.unlock();
        }
    }

    private void use(String userId, long version, Checkpoint weights) {
        if (userId.equals(loadedUser) && version == loadedVersion) {
            return;
        }
        if (weights == null) {
            model.resetAdapter();
        } else {
            model.loadAdapter(weights);
        }
        loadedUser = userId;
        loadedVersion = version;
    }

    private PersonalizedModel requireModel() {
        PersonalizedModel m = model;
        if (m == null) {
            throw new IllegalStateException("the base model is not loaded");
        }
        return m;
    }
}
