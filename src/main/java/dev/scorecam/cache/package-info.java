/**
 * Answers kept for identical requests: a store in this process or in Redis, keyed by a content hash
 * of the request that the API makes, with hits and misses counted.
 */
package dev.scorecam.cache;
