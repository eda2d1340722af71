package dev.papa.trainer;

import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.papa.PapaSettings;
import dev.papa.schemas.Algorithm;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Starts the training loop with the application and stops it with it. */
@ApplicationScoped
public class TrainerService {

    private static final Logger LOG = Logger.getLogger(TrainerService.class);

    @Inject
    TrainerConfig config;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    @ConfigProperty(name = "papa.topics.preferences", defaultValue = "papa.preferences")
    String preferencesTopic;

    @ConfigProperty(name = "papa.topics.adapters", defaultValue = "papa.adapters")
    String adaptersTopic;

    @ConfigProperty(name = "papa.topics.dead-letter", defaultValue = "papa.deadletter")
    String deadLetterTopic;

    @ConfigProperty(name = "papa.model.base-path", defaultValue = "models/mnist-base.ckpt")
    Path basePath;

    @ConfigProperty(name = "papa.model.lora-rank", defaultValue = "4")
    int loraRank;

    @ConfigProperty(name = "papa.model.lora-alpha", defaultValue = "4.0")
    float loraAlpha;

    private AdapterTrainer trainer;
    private volatile TrainingLoop loop;

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("papa.trainer.enabled=false: the training loop does not run");
            return;
        }
        TrainerSettings settings = settings();
        trainer = AdapterTrainer.load(basePath, new LoraSpec(loraRank, loraAlpha), settings.papa());
        LOG.infof("base model %s from %s; %s, %s estimator, %d timesteps per image, lr %s, round size %d, max wait %s",
                trainer.baseModelId(), basePath, config.algorithm(), settings.papa().estimator(),
                trainer.trainingSettings().getTimestepsPerImage(), settings.papa().learningRate(),
                settings.roundSize(), settings.maxWait());
        loop = new TrainingLoop(settings, trainer, registry, FaultHook.NONE);
        loop.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        TrainingLoop l = loop;
        if (l != null) {
            l.close();
        }
        if (trainer != null) {
            trainer.close();
        }
    }

    /** The loop, unless papa.trainer.enabled is false. */
    public Optional<TrainingLoop> loop() {
        return Optional.ofNullable(loop);
    }

    TrainerSettings settings() {
        PapaSettings papa = PapaSettings.loraDefaults()
                .withEstimator(config.estimator())
                .withSampledTimesteps(config.sampledTimesteps())
                .withEpapaK(config.algorithm() == Algorithm.EPAPA ? config.epapaK() : 0);
        if (config.learningRate().isPresent()) {
            papa = papa.withLearningRate(config.learningRate().get());
        }
        if (config.saturation().isPresent()) {
            papa = papa.withSaturation(config.saturation().get());
        }
        if (config.replay().isPresent()) {
            papa = papa.withReplayedLikes(config.replay().get());
        }
        if (config.algorithm() == Algorithm.EPAPA && config.epapaK() <= 0) {
            throw new IllegalArgumentException("papa.trainer.algorithm=EPAPA needs papa.trainer.epapa-k > 0");
        }
        String instance = config.instanceId().filter(s -> !s.isBlank()).orElseGet(TrainerService::hostName);
        return TrainerSettings.builder(bootstrapServers)
                .topics(preferencesTopic, adaptersTopic, deadLetterTopic)
                .groupId(config.groupId())
                .transactionalId(config.transactionalId() + "-" + instance)
                .roundSize(config.roundSize())
                .maxWait(config.maxWait())
                .papa(papa)
                .pollTimeout(config.pollTimeout())
                .maxPollInterval(config.maxPollInterval())
                .transactionTimeout(config.transactionTimeout())
                .rebuildTimeout(config.rebuildTimeout())
                .commitInterval(config.commitInterval())
                .maxPendingExamples(config.maxPendingExamples())
                .stallTimeout(config.stallTimeout())
                .build();
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "local";
        }
    }
}
