package dev.scorecam;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ScoreCamApplication {

    public static void main(String[] args) {
        SpringApplication.run(ScoreCamApplication.class, args);
    }
}
