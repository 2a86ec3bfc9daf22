package dev.scorecam.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.lettuce.core.RedisURI;

import org.junit.jupiter.api.Test;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;

/** Every spring.data.redis.* setting reaches the Lettuce URI; what the queue cannot use stops the start. */
class RedisClientsTest {

    @Test
    void sentinelWithAclUserClientNameDatabaseAndTls() {
        DataRedisProperties redis = new DataRedisProperties();
        redis.setSentinel(new DataRedisProperties.Sentinel());
        redis.getSentinel().setMaster("queue");
        redis.getSentinel().setNodes(List.of("s1:26379", "s2:26380", "10.0.0.3:26381"));
        redis.getSentinel().setUsername("watcher");
        redis.getSentinel().setPassword("sentinel-secret");
        redis.setUsername("scorecam");
        redis.setPassword("data-secret");
        redis.setDatabase(2);
        redis.setClientName("scorecam-api-0");
        redis.getSsl().setEnabled(true);

        RedisURI uri = RedisClients.uri(redis);

        assertThat(uri.getSentinelMasterId()).isEqualTo("queue");
        assertThat(uri.getSentinels()).extracting(RedisURI::getHost).containsExactly("s1", "s2", "10.0.0.3");
        assertThat(uri.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380, 26381);
        assertThat(uri.getSentinels().get(0).getUsername()).isEqualTo("watcher");
        assertThat(new String(uri.getSentinels().get(0).getPassword())).isEqualTo("sentinel-secret");
        assertThat(uri.getUsername()).isEqualTo("scorecam");
        assertThat(new String(uri.getPassword())).isEqualTo("data-secret");
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(uri.getClientName()).isEqualTo("scorecam-api-0");
        assertThat(uri.isSsl()).isTrue();
    }

    @Test
    void hostAndPortOrUrl() {
        DataRedisProperties redis = new DataRedisProperties();
        redis.setHost("redis.internal");
        redis.setPort(6380);
        redis.setPassword("only-a-password");
        RedisURI plain = RedisClients.uri(redis);
        assertThat(plain.getHost()).isEqualTo("redis.internal");
        assertThat(plain.getPort()).isEqualTo(6380);
        assertThat(plain.getUsername()).isNull();
        assertThat(new String(plain.getPassword())).isEqualTo("only-a-password");
        assertThat(plain.isSsl()).isFalse();

        redis.setUrl("rediss://alice:pw@cache:6390/3");
        redis.setClientName("named");
        RedisURI url = RedisClients.uri(redis);
        assertThat(url.getHost()).isEqualTo("cache");
        assertThat(url.getUsername()).isEqualTo("alice");
        assertThat(url.getDatabase()).isEqualTo(3);
        assertThat(url.isSsl()).isTrue();
        assertThat(url.getClientName()).isEqualTo("named");
    }

    @Test
    void clusterAndStaticReplicasAreRefusedWithTheReason() {
        DataRedisProperties cluster = new DataRedisProperties();
        cluster.setCluster(new DataRedisProperties.Cluster());
        cluster.getCluster().setNodes(List.of("a:7000", "b:7001"));
        assertThatThrownBy(() -> RedisClients.uri(cluster)).hasMessageContaining("Redis Cluster is not supported")
                .hasMessageContaining("slots");

        DataRedisProperties replicas = new DataRedisProperties();
        replicas.setMasterreplica(new DataRedisProperties.Masterreplica());
        replicas.getMasterreplica().setNodes(List.of("a:6379", "b:6379"));
        assertThatThrownBy(() -> RedisClients.uri(replicas)).hasMessageContaining("Sentinel");

        DataRedisProperties noSentinels = new DataRedisProperties();
        noSentinels.setSentinel(new DataRedisProperties.Sentinel());
        noSentinels.getSentinel().setMaster("queue");
        assertThatThrownBy(() -> RedisClients.uri(noSentinels)).hasMessageContaining("sentinel.nodes");
    }
}
