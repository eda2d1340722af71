package dev.papa.sampler;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.checkpoint.Tensors;
import dev.papa.schemas.AdapterPublished;
import dev.papa.schemas.Algorithm;
import dev.papa.schemas.Estimator;
import dev.papa.schemas.ImageGenerated;
import dev.papa.schemas.PapaSerdes;
import dev.papa.schemas.TrainingSettings;
import dev.papa.schemas.UpdateMetrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test-side Kafka: publish adapters, read topics back, compare end offsets. */
final class TestKafka {

    private TestKafka() {
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    static Checkpoint base() {
        return Checkpoint.read(java.nio.file.Path.of(
                ConfigProvider.getConfig().getValue("papa.model.base-path", String.class)));
    }

    /** The adapter with {@code delta} added to every LoRA weight: a real, non-trivial adapter. */
    static Checkpoint shifted(Checkpoint adapter, float delta) {
        Tensors changed = new Tensors();
        adapter.tensors().asMap().forEach((name, t) -> {
            float[] v = t.values().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += delta;
            }
            changed.put(name, new Tensors.Tensor(t.shape(), v));
        });
        return new Checkpoint(Checkpoint.Kind.ADAPTER, adapter.properties(), changed);
    }

    static AdapterPublished adapterRecord(String userId, long version, String baseModel, byte[] adapterBytes) {
        return AdapterPublished.newBuilder()
                .setUserId(userId)
                .setVersion(version)
                .setPublishedAt(Instant.ofEpochMilli(1_700_000_000_000L + version))
                .setBaseModel(baseModel)
                .setAdapter(ByteBuffer.wrap(adapterBytes))
                .setOptimizerState(null)
                .setTraining(TrainingSettings.newBuilder()
                        .setAlgorithm(Algorithm.PAPA).setEpapaK(0).setEstimator(Estimator.SAMPLED)
                        .setTimestepsPerImage(8).setLearningRate(1e-5f).setCPref(0.1f).setCModel(0.009f).build())
                .setFeedbackCount(10 * version)
                .setAppliedFeedbackIds(List.of())
                .setInputOffsets(List.of())
                .setMetrics(UpdateMetrics.newBuilder()
                        .setLoss(0.5f).setPreferenceLoss(0.4f).setModelLoss(0.1f).setUpdateMillis(5).setLikedShare(0.5f).build())
                .build();
    }

    static void publishAdapter(AdapterPublished adapter) {
        send("papa.adapters", adapter.getUserId(), PapaSerdes.ADAPTER_PUBLISHED.serialize("papa.adapters", adapter));
    }

    static void send(String topic, String key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    /** Sum of the topic's end offsets: grows by one per record written. */
    static long endOffsetSum(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Every record on the topic now. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    static List<ImageGenerated> images() {
        return readAll("papa.images").stream()
                .map(r -> decodeImage(r.value()))
                .toList();
    }

    /**
     * Avro resolves generated classes through the thread's context class loader; a test thread's
     * may be the JVM's, not the one Quarkus loaded the application (and Avro) with.
     */
    static ImageGenerated decodeImage(byte[] value) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(TestKafka.class.getClassLoader());
        try {
            return PapaSerdes.IMAGE_GENERATED.deserialize("papa.images", value);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
