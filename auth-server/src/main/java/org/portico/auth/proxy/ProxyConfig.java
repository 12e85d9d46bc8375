package org.portico.auth.proxy;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

/** The shipped jurisdiction rules, the policy over them, and the sweep that applies transitions on time. */
@Configuration(proxyBeanMethods = false)
public class ProxyConfig {

    @Bean
    JurisdictionRules jurisdictionRules() {
        return JurisdictionRules.shipped();
    }

    @Bean
    ProxyPolicy proxyPolicy(JurisdictionRules rules) {
        return new ProxyPolicy(rules);
    }

    @Bean
    Sweep proxySweep(ProxyAccess access) {
        return new Sweep(access);
    }

    /**
     * Birthdays and end dates take effect without anyone signing in: hourly, so a transition is applied
     * within an hour of the day it is due (tokens and the picker apply it at once anyway).
     */
    public static final class Sweep {
        private final ProxyAccess access;

        Sweep(ProxyAccess access) {
            this.access = access;
        }

        @Scheduled(initialDelayString = "PT2M", fixedDelayString = "PT1H")
        public int run() {
            return access.sweep();
        }
    }
}
