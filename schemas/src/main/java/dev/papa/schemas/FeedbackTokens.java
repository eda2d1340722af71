package dev.papa.schemas;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The signed token the sampler hands out with each image and the feedback service checks:
 * HMAC-SHA256 over (user, image) with a secret both services share. Only the user an image was
 * generated for can give feedback on it, and no state is needed to check that.
 */
public final class FeedbackTokens {

    private static final int MIN_SECRET_BYTES = 16;

    private final SecretKeySpec key;

    public FeedbackTokens(String secret) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the feedback-token secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String sign(String userId, String imageId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(userId, imageId));
    }

    /** Constant-time check that {@code token} was issued for this user and image. */
    public boolean verify(String token, String userId, String imageId) {
        if (token == null || userId == null || imageId == null) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(presented, mac(userId, imageId));
    }

    private byte[] mac(String userId, String imageId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            // Length-prefixed so ("ab", "c") and ("a", "bc") sign differently.
            mac.update((userId.length() + ":" + userId + "|" + imageId).getBytes(StandardCharsets.UTF_8));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
