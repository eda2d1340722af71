package dev.papa.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Transactions and Kafka Streams exactly-once on the single-node broker (one broker for this class). */
@ExtendWith(KafkaBrokerExtension.class)
class TransactionsTest {

    private static final Map<String, Object> READ_COMMITTED =
            Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");

    @Test
    void committedIsVisibleToReadCommittedAndAbortedIsNot(LocalKafkaBroker kafka) throws Exception {
        String topic = "tx-" + UUID.randomUUID();
        kafka.createTopic(topic, 2);
        Map<String, Object> config = KafkaRoundTrip.producerConfig(kafka.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-test-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "alice", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "bob", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "alice", "aborted-1"));
            producer.flush(); // the aborted records really reach the log
            producer.abortTransaction();
        }
        List<String> committed = values(KafkaRoundTrip.consumeAll(kafka.bootstrapServers(), topic, 2, READ_COMMITTED));
        assertEquals(List.of("committed-1", "committed-2"), committed.stream().sorted().toList());

        List<String> uncommitted = values(KafkaRoundTrip.consumeAll(kafka.bootstrapServers(), topic, 3,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted")));
        assertEquals(List.of("aborted-1", "committed-1", "committed-2"), uncommitted.stream().sorted().toList());
    }

    @Test
    void kafkaStreamsRunsExactlyOnceV2(LocalKafkaBroker kafka, @TempDir java.nio.file.Path stateDir) throws Exception {
        String in = "streams-in-" + UUID.randomUUID();
        String out = "streams-out-" + UUID.randomUUID();
        kafka.createTopic(in, 2);
        kafka.createTopic(out, 2);

        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, String>stream(in).mapValues(v -> v.toUpperCase()).to(out);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "eos-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(KafkaRoundTrip.producerConfig(kafka.bootstrapServers()))) {
                for (String v : List.of("a", "b", "c", "d")) {
                    producer.send(new ProducerRecord<>(in, "user-" + v, v)).get();
                }
            }
            List<String> got = values(KafkaRoundTrip.consumeAll(kafka.bootstrapServers(), out, 4, READ_COMMITTED));
            assertEquals(List.of("A", "B", "C", "D"), got.stream().sorted().toList());
            streams.close(Duration.ofSeconds(10));
        }
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
