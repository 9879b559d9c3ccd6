package io.cachecheck.local.spring;

import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.GenericJackson2JsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext;

/**
 * A Spring application context wired as a Spring Boot 3.5 service with {@code spring.cache.type=redis} wires it:
 * {@code @EnableCaching}, a Lettuce connection factory and a {@code RedisCacheManager}. Boot's default cache
 * configuration is {@link RedisCacheConfiguration#defaultCacheConfig(ClassLoader)}: keys {@code cacheName::key}, values
 * in JDK serialisation, nulls cached as NullValue. The JSON variant is the customisation most services make: a
 * {@code GenericJackson2JsonRedisSerializer} with the Java time module (without it Jackson refuses an Instant).
 */
public final class SpringCacheApp implements AutoCloseable {
    public enum Serialization { JDK_DEFAULT, GENERIC_JACKSON_JSON }

    private final AnnotationConfigApplicationContext context;

    private SpringCacheApp(AnnotationConfigApplicationContext context) {
        this.context = context;
    }

    public static SpringCacheApp start(Serialization serialization, int redisDb, String jdbcUrl, String table) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean("redisDb", Integer.class, () -> redisDb);
        context.registerBean("orderService", OrderService.class, () -> new OrderService(jdbcUrl, table));
        context.registerBean("cacheConfiguration", RedisCacheConfiguration.class, () -> switch (serialization) {
            case JDK_DEFAULT -> RedisCacheConfiguration.defaultCacheConfig(SpringCacheApp.class.getClassLoader());
            case GENERIC_JACKSON_JSON -> {
                GenericJackson2JsonRedisSerializer json = new GenericJackson2JsonRedisSerializer();
                json.configure(mapper -> mapper.registerModule(new JavaTimeModule()));
                yield RedisCacheConfiguration.defaultCacheConfig()
                        .serializeValuesWith(RedisSerializationContext.SerializationPair.fromSerializer(json));
            }
        });
        context.register(Wiring.class);
        context.refresh();
        return new SpringCacheApp(context);
    }

    public OrderService orders() {
        return context.getBean(OrderService.class);
    }

    @Override
    public void close() {
        context.close();
    }

    @Configuration
    @EnableCaching(proxyTargetClass = true)
    static class Wiring {
        @Bean
        LettuceConnectionFactory redisConnectionFactory(Integer redisDb) {
            RedisStandaloneConfiguration server = new RedisStandaloneConfiguration("127.0.0.1", 6379);
            server.setDatabase(redisDb);
            return new LettuceConnectionFactory(server);
        }

        @Bean
        RedisCacheManager cacheManager(LettuceConnectionFactory factory, RedisCacheConfiguration cacheConfiguration) {
            return RedisCacheManager.builder(factory).cacheDefaults(cacheConfiguration).build();
        }
    }

}
