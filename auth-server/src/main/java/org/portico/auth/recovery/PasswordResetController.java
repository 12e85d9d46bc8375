package org.portico.auth.recovery;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portico.auth.config.AuthProperties;
import org.portico.auth.enrolment.AttemptLimiter;
import org.portico.auth.enrolment.EnrolmentSecrets;
import org.portico.auth.enrolment.EnrolmentSecrets.Kind;
import org.portico.auth.enrolment.EnrolmentSettings;
import org.portico.auth.enrolment.Pacing;
import org.portico.auth.identity.PasswordPolicy;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.notify.AccountNotice;
import org.portico.auth.notify.Messenger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * "Forgot your password?": the visitor gives a username or the email on their account; if an account
 * matches and has a contact proven at proofing, a single-use link goes there (email, else SMS). The
 * answer is the same page, the same words and about the same time either way ("if an account matches,
 * we sent a message"), and delivery happens in the background. The link leads to a new-password form;
 * setting it publishes {@link AccountNotice.Kind#PASSWORD_CHANGED}.
 */
@Controller
public class PasswordResetController {

    private static final Logger log = LoggerFactory.getLogger(PasswordResetController.class);

    private final UserAccounts accounts;
    private final EnrolmentSecrets secrets;
    private final Messenger messenger;
    private final AttemptLimiter limiter;
    private final EnrolmentSettings settings;
    private final PasswordPolicy passwordPolicy;
    private final PasswordEncoder passwordEncoder;
    private final ApplicationEventPublisher events;
    private final String issuer;

    public PasswordResetController(UserAccounts accounts, EnrolmentSecrets secrets, Messenger messenger, AttemptLimiter limiter,
            EnrolmentSettings settings, PasswordPolicy passwordPolicy, PasswordEncoder passwordEncoder,
            ApplicationEventPublisher events, AuthProperties properties) {
        this.accounts = accounts;
        this.secrets = secrets;
        this.messenger = messenger;
        this.limiter = limiter;
        this.settings = settings;
        this.passwordPolicy = passwordPolicy;
        this.passwordEncoder = passwordEncoder;
        this.events = events;
        String s = properties.issuer().toString();
        this.issuer = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @GetMapping("/recover")
    public String form() {
        return "recover/start";
    }

    @PostMapping("/recover")
    public String request(@RequestParam(defaultValue = "") String account, HttpServletRequest request, HttpServletResponse response,
            Model model) {
        Pacing pacing = Pacing.atLeast(settings.minResponseTime());
        if (!limiter.tryAttempt(request.getRemoteAddr())) {
            pacing.pace();
            response.setStatus(429);
            model.addAttribute("messageKey", "enrolment.tooMany");
            return "register/message";
        }
        String typed = account.trim();
        if (!typed.isEmpty() && typed.length() <= 320) {
            Optional<UserAccount> found = accounts.findByUsername(typed).or(() -> typed.contains("@") ? accounts.findByEmail(typed)
                    : Optional.empty());
            found.filter(UserAccount::isPatient).filter(a -> a.email() != null || a.phone() != null).ifPresent(this::sendLink);
        }
        pacing.pace();
        return "recover/sent";
    }

    private void sendLink(UserAccount account) {
        String channel = account.email() != null ? "email" : "sms";
        EnrolmentSecrets.Issued link = secrets.issue(Kind.PASSWORD_RESET, account.patientId(), account.id(), channel,
                settings.passwordResetTtl(), null);
        String url = UriComponentsBuilder.fromUriString(issuer + "/recover/reset").queryParam("token", link.secret()).build().toUriString();
        long minutes = Math.max(1, settings.passwordResetTtl().toMinutes());
        if (channel.equals("email")) {
            messenger.email(account.email(), account.locale(), "message.passwordReset", url, minutes);
        } else {
            messenger.sms(account.phone(), account.locale(), "message.passwordReset", url, minutes);
        }
        log.info("password reset link sent for account {} by {}", account.id(), channel);
    }

    @GetMapping("/recover/reset")
    public String resetForm(@RequestParam(defaultValue = "") String token, HttpServletResponse response, Model model) {
        if (secrets.findUsable(Kind.PASSWORD_RESET, token).isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("messageKey", "reset.invalidLink");
            return "register/message";
        }
        model.addAttribute("token", token);
        return "recover/reset";
    }

    @PostMapping("/recover/reset")
    public String reset(@RequestParam(defaultValue = "") String token, @RequestParam(defaultValue = "") String password,
            HttpServletResponse response, Model model) {
        Optional<EnrolmentSecrets.Secret> link = secrets.findUsable(Kind.PASSWORD_RESET, token);
        Optional<UserAccount> account = link.flatMap(l -> accounts.findById(l.userId()));
        if (account.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("messageKey", "reset.invalidLink");
            return "register/message";
        }
        List<String> problems = passwordPolicy.problems(password, account.get().username());
        if (!problems.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("token", token);
            model.addAttribute("passwordErrors", problems);
            return "recover/reset";
        }
        if (!secrets.consume(link.get().id())) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("messageKey", "reset.invalidLink");
            return "register/message";
        }
        accounts.updatePassword(account.get().id(), passwordEncoder.encode(password));
        events.publishEvent(new AccountNotice(account.get().id(), AccountNotice.Kind.PASSWORD_CHANGED, secrets.now(), Map.of()));
        log.info("password reset for account {}", account.get().id());
        return "redirect:/login?reset";
    }
}
