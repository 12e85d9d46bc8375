package org.portico.auth.notify;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Email and SMS delivery: the logging SMS sender unless the operator declares another {@link SmsSender}. */
@Configuration(proxyBeanMethods = false)
public class NotifyConfig {

    @Bean
    @ConditionalOnMissingBean(SmsSender.class)
    SmsSender loggingSmsSender(SmsSettings settings) {
        return new LoggingSmsSender(settings);
    }
}
