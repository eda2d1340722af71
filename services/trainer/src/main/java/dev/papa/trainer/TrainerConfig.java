package dev.papa.trainer;

import dev.papa.engine.papa.Estimator;
import dev.papa.schemas.Algorithm;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The {@code papa.trainer.*} properties (defaults as documented in application.properties). */
@ConfigMapping(prefix = "papa.trainer")
public interface TrainerConfig {

    /** Run the training loop (false: HTTP only, for tools and tests). */
    @WithDefault("true")
    boolean enabled();

    /** Consumer group of all trainer instances. */
    @WithDefault("papa-trainer")
    String groupId();

    /** Prefix of the transactional.id; the instance id is appended. */
    @WithDefault("papa-trainer")
    String transactionalId();

    /** This instance's stable id (e.g. the pod name of a StatefulSet); defaults to the host name. */
    Optional<String> instanceId();

    @WithDefault("10")
    int roundSize();

    @WithDefault("30s")
    Duration maxWait();

    @WithDefault("PAPA")
    Algorithm algorithm();

    /** EPAPA's k (train t >= k); ignored for PAPA. */
    @WithDefault("400")
    int epapaK();

    @WithDefault("SAMPLED")
    Estimator estimator();

    @WithDefault("32")
    int sampledTimesteps();

    /** Adam's learning rate; default PapaSettings.loraDefaults(). */
    Optional<Double> learningRate();

    /** β of the saturating preference term (0 = the paper's unbounded term); default PapaSettings.loraDefaults(). */
    Optional<Double> saturation();

    /** Remembered liked images added to each round's update (0 = fresh feedback only); default PapaSettings.loraDefaults(). */
    Optional<Integer> replay();

    @WithDefault("500ms")
    Duration pollTimeout();

    @WithDefault("10m")
    Duration maxPollInterval();

    @WithDefault("60s")
    Duration transactionTimeout();

    @WithDefault("3m")
    Duration rebuildTimeout();

    @WithDefault("1s")
    Duration commitInterval();

    @WithDefault("10000")
    int maxPendingExamples();

    @WithDefault("15m")
    Duration stallTimeout();
}
