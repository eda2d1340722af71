package dev.papa.schemas;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeedbackTokensTest {

    private final FeedbackTokens tokens = new FeedbackTokens("a-test-secret-of-enough-length");

    @Test
    void aTokenVerifiesForItsOwnUserAndImageOnly() {
        String token = tokens.sign("alice", "img-1");
        assertTrue(tokens.verify(token, "alice", "img-1"));
        assertFalse(tokens.verify(token, "bob", "img-1"));
        assertFalse(tokens.verify(token, "alice", "img-2"));
        assertFalse(new FeedbackTokens("another-secret-of-enough-length").verify(token, "alice", "img-1"));
    }

    @Test
    void malformedTokensAndShortSecretsAreRejected() {
        assertFalse(tokens.verify("not base64 !!", "alice", "img-1"));
        assertFalse(tokens.verify(null, "alice", "img-1"));
        assertFalse(tokens.verify(tokens.sign("ab", "c"), "a", "bc"));
        assertThrows(IllegalArgumentException.class, () -> new FeedbackTokens("short"));
    }
}
