package dev.papa.sampler;

import org.apache.kafka.common.TopicPartition;

import java.time.Instant;

/**
 * What the sampler knows of one user's current adapter version: everything but the weights, which
 * may or may not be resident (see {@link AdapterRegistry}) and can be read again from
 * {@code partition}/{@code offset} of the adapter topic.
 *
 * @param adaptedFrom EPAPA's k: the adapter is used for timesteps t &ge; k, the base model below
 *                    (0 = PAPA, the adapter throughout)
 */
public record ServedAdapter(String userId, long version, Instant publishedAt, String baseModel, long feedbackCount,
                            int adaptedFrom, TopicPartition partition, long offset) {

    /** Version 0 of a user nothing was published for: the base model itself. */
    public static ServedAdapter initial(String userId, String baseModel) {
        return new ServedAdapter(userId, 0, null, baseModel, 0, 0, null, -1);
    }

    public boolean isBase() {
        return version == 0;
    }
}
