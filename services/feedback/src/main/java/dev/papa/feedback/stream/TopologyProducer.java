package dev.papa.feedback.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.streams.Topology;
import org.jboss.logging.Logger;

import dev.papa.feedback.FeedbackConfig;
import dev.papa.feedback.TopicsConfig;
import io.micrometer.core.instrument.MeterRegistry;

/** Hands the join topology to the Kafka Streams extension, which runs it. */
@ApplicationScoped
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    @Produces
    @Singleton
    JoinSettings settings(TopicsConfig topics, FeedbackConfig feedback) {
        JoinSettings settings = new JoinSettings(topics.images(), topics.feedback(), topics.preferences(),
                topics.deadLetter(), feedback.joinTimeout(), feedback.retryInterval(), feedback.imageRetention(),
                feedback.dedupeRetention(), feedback.purgeInterval());
        if (settings.dedupeRetention().compareTo(settings.imageRetention()) < 0) {
            LOG.warnf("papa.feedback.dedupe-retention (%s) is shorter than papa.feedback.image-retention (%s): "
                    + "a feedback repeated after its id was forgotten may be applied twice",
                    settings.dedupeRetention(), settings.imageRetention());
        }
        return settings;
    }

    @Produces
    @Singleton
    Topology topology(JoinSettings settings, MeterRegistry registry) {
        return FeedbackTopology.build(settings, new JoinMetrics(registry));
    }
}
