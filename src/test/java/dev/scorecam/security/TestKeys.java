package dev.scorecam.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests' API keys and their SHA-256 hashes as a server is given them ({@link ApiKeysTest}
 * checks that each hash is its key's). {@link WithApiKeys} is the server of the API-key suites:
 * the same properties, so that they share one application context.
 */
public final class TestKeys {

    public static final String ALICE = "alice-test-key";
    public static final String ALICE_SHA256 = "091d54677e472013d98d39c7312be93228f8cf198a5dc893cdb44ff6cb48a599";
    public static final String BOB = "bob-test-key";
    public static final String BOB_SHA256 = "909c89e563b9a997a6f6928d82794adcf5e532038197bf79439a0afae2dcca69";
    public static final String CAROL = "carol-test-key";
    public static final String CAROL_SHA256 = "38d414f4d1d782617c673b39e811aea470c8d8386e77a262a88bb8193c715f5a";

    public static final String ORIGIN = "https://app.example.com";

    private TestKeys() {}

    /** mode api-key with alice and bob, CORS for {@link #ORIGIN}; no limits. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @TestPropertySource(properties = {
            "scorecam.security.mode=api-key",
            "scorecam.security.api-keys.alice=" + ALICE_SHA256,
            "scorecam.security.api-keys.bob=" + BOB_SHA256,
            "scorecam.cors.allowed-origins=" + ORIGIN})
    public @interface WithApiKeys {}
}
