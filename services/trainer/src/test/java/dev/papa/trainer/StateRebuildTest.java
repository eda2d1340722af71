package dev.papa.trainer;

import static dev.papa.trainer.TrainerTests.adamSteps;
import static dev.papa.trainer.TrainerTests.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.engine.papa.FeedbackExample;
import dev.papa.kafka.local.KafkaBrokerExtension;
import dev.papa.kafka.local.LocalKafkaBroker;
import dev.papa.schemas.AdapterPublished;
import dev.papa.schemas.PapaSerdes;
import dev.papa.schemas.PreferenceExample;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fresh trainer instance (new process state: new model, new loop) resumes a user from the last
 * published adapter and optimizer state: version n+1 is trained from version n's bytes.
 */
class StateRebuildTest {

    static {
        TrainerTests.quietKafkaLogs();
    }

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    @Test
    void freshInstanceContinuesFromThePublishedAdapterAndOptimizerState() throws Exception {
        LocalKafkaBroker kafka = KAFKA.broker();
        TrainerTests.Topics topics = TrainerTests.Topics.create(kafka, "rebuild", 1);
        TrainerSettings settings = TrainerTests.settings(kafka, topics, "rebuild").build();
        Checkpoint base = TrainerTests.tinyBase(11);
        List<String> user = List.of("eve");

        TrainerTests.produceInterleaved(kafka, topics.preferences(), user, 0, 10, "fb");
        try (AdapterTrainer trainer = AdapterTrainer.create(base, TrainerTests.LORA, TrainerTests.FAST);
             TrainingLoop first = new TrainingLoop(settings, trainer, new SimpleMeterRegistry(), FaultHook.NONE)) {
            first.start();
            TrainerTests.await("versions 1 and 2", Duration.ofSeconds(600),
                    () -> TrainerTests.committedAdapters(kafka, topics.adapters()).size() >= 2);
        }

        TrainerTests.produceInterleaved(kafka, topics.preferences(), user, 10, 5, "fb");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (AdapterTrainer trainer = AdapterTrainer.create(base, TrainerTests.LORA, TrainerTests.FAST);
             TrainingLoop second = new TrainingLoop(settings, trainer, registry, FaultHook.NONE)) {
            second.start();
            TrainerTests.await("version 3", Duration.ofSeconds(600),
                    () -> TrainerTests.committedAdapters(kafka, topics.adapters()).size() >= 3);
            assertEquals(1.0, registry.get("papa.trainer.state.rebuilds").counter().count());
        }

        List<AdapterPublished> versions = TrainerTests.committedAdapters(kafka, topics.adapters());
        assertEquals(3, versions.size());
        AdapterPublished v2 = versions.get(1);
        AdapterPublished v3 = versions.get(2);
        assertEquals(3, v3.getVersion());
        assertEquals(v2.getFeedbackCount() + v3.getAppliedFeedbackIds().size(), v3.getFeedbackCount());
        // One optimizer step per round, and the count goes on from version 2's: the state was
        // restored, not reset.
        assertEquals(2, adamSteps(v2));
        assertEquals(3, adamSteps(v3));

        // Replaying version 3's round (the examples between the two high-water marks) on
        // version 2's adapter and optimizer reproduces version 3; the same round from version 0
        // does not.
        long from = v2.getInputOffsets().get(0).getOffset();
        long to = v3.getInputOffsets().get(0).getOffset();
        List<PreferenceExample> roundExamples = TrainerTests.readAll(kafka, topics.preferences(), "read_committed")
                .stream().filter(r -> r.offset() >= from && r.offset() < to)
                .map(r -> PapaSerdes.PREFERENCE_EXAMPLE.deserialize(r.topic(), r.value())).toList();
        assertEquals(5, roundExamples.size());
        List<FeedbackExample> round = roundExamples.stream()
                .map(e -> new FeedbackExample(bytes(e.getPixels()), e.getValue())).toList();
        try (AdapterTrainer replay = AdapterTrainer.create(base, TrainerTests.LORA, TrainerTests.FAST)) {
            AdapterTrainer.Round again = replay.train("eve", 3, bytes(v2.getAdapter()), bytes(v2.getOptimizerState()), round);
            List<String> appliedAgain = new java.util.ArrayList<>();
            for (int i = 0; i < round.size(); i++) {
                if (again.update().applied()[i]) {
                    appliedAgain.add(roundExamples.get(i).getFeedbackId());
                }
            }
            // The engine now and then rejects a step as non-finite, not always the same one: the
            // weights can only be compared when both runs applied the same steps.
            if (appliedAgain.equals(v3.getAppliedFeedbackIds())) {
                Checkpoint published = Checkpoint.fromBytes(bytes(v3.getAdapter()));
                double fromV2 = distance(published, Checkpoint.fromBytes(again.adapter()));
                double fromScratch = distance(published,
                        Checkpoint.fromBytes(replay.train("eve", 3, null, null, round).adapter()));
                // Usually equal to the bit (measured: 0, 1e-5 and once 0.0047, against 0.012 from
                // scratch): the kernels are not bit-reproducible run to run, and Adam turns the
                // noise in a near-zero gradient into a step of up to lr (3e-3).
                assertTrue(fromV2 < fromScratch / 2, "from scratch: " + fromScratch + ", from v2: " + fromV2);
            }
        }
    }

    /** Largest absolute difference between two adapters' weights. */
    private static double distance(Checkpoint a, Checkpoint b) {
        double max = 0;
        for (Map.Entry<String, Tensors.Tensor> e : a.tensors().asMap().entrySet()) {
            float[] x = e.getValue().values();
            float[] y = b.tensors().get(e.getKey()).values();
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }
}
