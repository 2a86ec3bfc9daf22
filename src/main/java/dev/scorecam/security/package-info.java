/**
 * Who may call the API and how much: API keys or JWT (Spring Security), per-client request rates and
 * concurrent-job quotas (Bucket4j, in memory or Redis), and their problem responses. May import
 * {@code jobs} and {@code problem}; {@code api} and {@code queue} import its client identity and quota.
 */
package dev.scorecam.security;
