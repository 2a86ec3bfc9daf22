package dev.scorecam.security;

import java.util.HashMap;
import java.util.Map;

/**
 * Slots counted in this process: the limits hold per pod, and a pod's slots die with it, so they
 * need no expiry. A key with no slot held is dropped, so that many clients do not grow the map.
 */
final class LocalSlots implements JobSlots {

    private final Map<String, Integer> held = new HashMap<>();

    @Override
    public synchronized Lease take(String key, int limit) {
        int now = held.getOrDefault(key, 0);
        if (now >= limit) {
            return null;
        }
        held.put(key, now + 1);
        return () -> release(key);
    }

    private synchronized void release(String key) {
        held.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }
}
