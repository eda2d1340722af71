package dev.papa.trainer;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.CheckpointException;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.papa.AdapterKind;
import dev.papa.engine.papa.FeedbackExample;
import dev.papa.engine.papa.PapaSettings;
import dev.papa.engine.papa.PapaUpdater;
import dev.papa.engine.papa.PersonalizedModel;
import dev.papa.schemas.Algorithm;
import dev.papa.schemas.TrainingSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.jboss.logging.Logger;

/**
 * The engine side of the trainer: one LoRA {@link PersonalizedModel} on the frozen base model and
 * one {@link PapaUpdater}, shared by all users. A round loads the user's adapter and optimizer
 * state (Adam's moments and the user's liked-image memory; version 0 for a new user), runs one
 * PAPA/EPAPA update, and exports both again.
 *
 * <p>A round is one Adam step over all its examples; the updater reports which examples it left
 * out (non-finite loss or update). The noise of a round is seeded by (user, version): a round
 * redone after a crash computes the same adapter.
 *
 * <p>Thread-safe by serialization: the model holds one adapter at a time.
 */
public final class AdapterTrainer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AdapterTrainer.class);

    private final PersonalizedModel model;
    private final PapaUpdater updater;
    private final TrainingSettings training;

    private AdapterTrainer(PersonalizedModel model, PapaSettings settings) {
        this.model = model;
        this.updater = new PapaUpdater(model, NoiseSchedule.reference(), settings);
        this.training = TrainingSettings.newBuilder()
                .setAlgorithm(settings.isEpapa() ? Algorithm.EPAPA : Algorithm.PAPA)
                .setEpapaK(settings.epapaK())
                .setEstimator(dev.papa.schemas.Estimator.valueOf(settings.estimator().name()))
                .setTimestepsPerImage(updater.timestepsPerImage())
                .setLearningRate((float) settings.learningRate())
                .setCPref((float) settings.preferenceWeight())
                .setCModel((float) settings.anchorWeight())
                .setSaturation((float) settings.saturation())
                .setReplayedLikes(settings.replayedLikes())
                .build();
    }

    /** A LoRA trainer on the base model checkpoint {@code base}. */
    public static AdapterTrainer create(Checkpoint base, LoraSpec lora, PapaSettings settings) {
        PersonalizedModel model = PersonalizedModel.create(base, AdapterKind.LORA, lora);
        try {
            return new AdapterTrainer(model, settings);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Reads the base model from {@code basePath}; fails with {@link CheckpointException} if it is missing or bad. */
    public static AdapterTrainer load(Path basePath, LoraSpec lora, PapaSettings settings) {
        return create(Checkpoint.read(basePath), lora, settings);
    }

    public String baseModelId() {
        return model.baseModelId();
    }

    /** Image side length the model takes (square grey images). */
    public int imageSize() {
        return model.config().imageSize();
    }

    public int imageChannels() {
        return model.config().imageChannels();
    }

    public PapaSettings settings() {
        return updater.settings();
    }

    /**
     * The settings as published with every adapter version; shared, do not modify. (No Avro deep
     * copy: under Quarkus its reflection may resolve the enum classes in another class loader.)
     */
    public TrainingSettings trainingSettings() {
        return training;
    }

    /**
     * What one round produced.
     *
     * @param adapter        the new adapter as checkpoint bytes
     * @param optimizerState the optimizer's state after the round, as checkpoint bytes
     * @param update         the engine's report: which examples were applied, losses, time
     * @param resetReason    why the round started from version 0 weights although the user had
     *                       an adapter (it could not be loaded), or null
     */
    public record Round(byte[] adapter, byte[] optimizerState, PapaUpdater.Result update, String resetReason) {
    }

    /**
     * Runs one update for a user.
     *
     * @param adapter        the user's current adapter bytes, or null for version 0
     * @param optimizerState the optimizer state published with it, or null for a fresh optimizer
     * @param version        the version this round will produce (seeds the noise)
     */
    public synchronized Round train(String userId, long version, byte[] adapter, byte[] optimizerState,
                                    List<FeedbackExample> examples) {
        String resetReason = load(userId, adapter, optimizerState);
        SplittableRandom random = new SplittableRandom(seed(userId, version));
        PapaUpdater.Result update = updater.update(examples, random);
        return new Round(model.exportAdapter().toBytes(), updater.optimizerState().toBytes(), update, resetReason);
    }

    private String load(String userId, byte[] adapter, byte[] optimizerState) {
        if (adapter == null) {
            model.resetAdapter();
            updater.resetOptimizer();
            return null;
        }
        try {
            model.loadAdapter(Checkpoint.fromBytes(adapter));
        } catch (CheckpointException e) {
            // E.g. the base model was replaced: the old adapter does not fit it. Start the user
            // over from version 0 weights; version numbers and the feedback count go on.
            LOG.warnf("user %s: cannot load the published adapter (%s); training from version 0 weights",
                    userId, e.getMessage());
            model.resetAdapter();
            updater.resetOptimizer();
            return e.getMessage();
        }
        if (optimizerState == null) {
            updater.resetOptimizer();
            return null;
        }
        try {
            updater.restoreOptimizerState(Checkpoint.fromBytes(optimizerState));
        } catch (CheckpointException | IllegalArgumentException e) {
            LOG.warnf("user %s: cannot restore the optimizer state (%s); starting a fresh optimizer",
                    userId, e.getMessage());
            updater.resetOptimizer();
        }
        return null;
    }

    /** Deterministic per (user, version), so a redone round draws the same noise. */
    static long seed(String userId, long version) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < userId.length(); i++) {
            h = (h ^ userId.charAt(i)) * 0x100000001b3L;
        }
        return h ^ (version * 0x9E3779B97F4A7C15L);
    }

    @Override
    public synchronized void close() {
        updater.close();
        model.close();
    }
}
