package dev.scorecam.api;

import java.util.Map;

import dev.scorecam.security.TestKeys;

/**
 * The hostile-upload corpus again, with API keys on and every request carrying a valid key: the
 * security filters in front change none of the answers (4xx problems, never a 5xx or a hang), and
 * the images users have are still explained.
 */
@TestKeys.WithApiKeys
class HostileInputWithApiKeyTest extends HostileInputTest {

    @Override
    RawHttp http() {
        return new RawHttp(port, Map.of("X-API-Key", TestKeys.ALICE));
    }
}
