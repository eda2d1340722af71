package dev.papa.feedback.stream;

import org.apache.kafka.common.serialization.Serde;

/**
 * A feedback record waiting for its image: the original key and value bytes (so that a timeout
 * dead-letters exactly what arrived), the record's timestamp, and when it started waiting.
 */
public record PendingFeedback(byte[] key, byte[] value, long recordTimestamp, long parkedAtMillis) {

    static final Serde<PendingFeedback> SERDE = StoreCodec.serde("pending feedback", 1,
            (pending, out) -> {
                StoreCodec.writeBytes(out, pending.key());
                StoreCodec.writeBytes(out, pending.value());
                out.writeLong(pending.recordTimestamp());
                out.writeLong(pending.parkedAtMillis());
            },
            in -> new PendingFeedback(StoreCodec.readBytes(in), StoreCodec.readBytes(in), in.readLong(), in.readLong()));
}
