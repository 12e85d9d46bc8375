package org.portico.auth.enrolment;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portico.auth.enrolment.EnrolmentSecrets.Kind;
import org.portico.auth.identity.AccountEvents;
import org.portico.auth.identity.PasswordPolicy;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.notify.AccountNotice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Self-registration (and MFA reset, which needs the same proofing): the visitor proves who they are by
 * one of the three paths ({@link Proofing}), then chooses a username and password; only then does an
 * account exist, proofed and linked to its Patient. Failed proofing always gives the same page, the
 * same message and (with {@link Pacing}) about the same time.
 *
 * <p>A taken username: it can only be tried after proofing, so it tells a proofed person that some
 * account has that name, which no one can avoid telling; before proofing nothing reveals a username.
 */
@Controller
public class EnrolmentController {

    public static final String PROOFED = "portico.enrolment.proofed";
    static final String PENDING = "portico.enrolment.pending";
    static final String PURPOSE = "portico.enrolment.purpose";
    static final String REGISTER = "register";
    static final String MFA_RESET = "mfa-reset";

    private static final Logger log = LoggerFactory.getLogger(EnrolmentController.class);
    private static final Pattern BIRTH_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{3,100}");

    private final Proofing proofing;
    private final AttemptLimiter limiter;
    private final EnrolmentSettings settings;
    private final UserAccounts accounts;
    private final PasswordPolicy passwordPolicy;
    private final PasswordEncoder passwordEncoder;
    private final ApplicationEventPublisher events;

    public EnrolmentController(Proofing proofing, AttemptLimiter limiter, EnrolmentSettings settings, UserAccounts accounts,
            PasswordPolicy passwordPolicy, PasswordEncoder passwordEncoder, ApplicationEventPublisher events) {
        this.proofing = proofing;
        this.limiter = limiter;
        this.settings = settings;
        this.accounts = accounts;
        this.passwordPolicy = passwordPolicy;
        this.passwordEncoder = passwordEncoder;
        this.events = events;
    }

    @GetMapping("/register")
    public String register(HttpSession session, Model model) {
        session.setAttribute(PURPOSE, REGISTER);
        return start(model, REGISTER);
    }

    @GetMapping("/recover/mfa")
    public String mfaReset(HttpSession session, Model model) {
        session.setAttribute(PURPOSE, MFA_RESET);
        return start(model, MFA_RESET);
    }

    private static String start(Model model, String purpose) {
        model.addAttribute("purpose", purpose);
        return "register/start";
    }

    @PostMapping("/register/code")
    public String activationCode(@RequestParam(defaultValue = "") String code, @RequestParam(defaultValue = "") String birthDate,
            HttpServletRequest request, HttpServletResponse response, Model model) {
        return bySecret(Kind.ACTIVATION_CODE, code, birthDate, request, response, model, "code");
    }

    /** The invitation link (GET shows a form: a mail scanner following the link uses nothing). */
    @GetMapping("/register/invite")
    public String invitation(@RequestParam(defaultValue = "") String token, HttpSession session, Model model) {
        session.setAttribute(PURPOSE, REGISTER);
        model.addAttribute("token", token);
        return "register/invite";
    }

    @PostMapping("/register/invite")
    public String invitation(@RequestParam(defaultValue = "") String token, @RequestParam(defaultValue = "") String birthDate,
            HttpServletRequest request, HttpServletResponse response, Model model) {
        model.addAttribute("token", token);
        return bySecret(Kind.INVITATION, token, birthDate, request, response, model, "invite");
    }

    private String bySecret(Kind kind, String secret, String birthDate, HttpServletRequest request, HttpServletResponse response,
            Model model, String form) {
        Pacing pacing = Pacing.atLeast(settings.minResponseTime());
        String purpose = purpose(request.getSession());
        model.addAttribute("purpose", purpose);
        String page = kind == Kind.INVITATION ? "register/invite" : "register/start";
        if (!limiter.tryAttempt(request.getRemoteAddr())) {
            return tooMany(response, pacing, model);
        }
        Optional<ProofedIdentity> proofed;
        try {
            proofed = BIRTH_DATE.matcher(birthDate).matches() ? proofing.bySecret(kind, secret, birthDate) : Optional.empty();
        } catch (PatientDirectory.Unavailable e) {
            return unavailable(e, response, pacing);
        }
        pacing.pace();
        if (proofed.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("failed", form);
            return page;
        }
        return proofed(request, proofed.get(), model, response);
    }

    @PostMapping("/register/match")
    public String match(@RequestParam(defaultValue = "") String given, @RequestParam(defaultValue = "") String family,
            @RequestParam(defaultValue = "") String birthDate, @RequestParam(defaultValue = "") String factor,
            @RequestParam(defaultValue = "") String value, HttpServletRequest request, HttpServletResponse response, Model model) {
        Pacing pacing = Pacing.atLeast(settings.minResponseTime());
        String purpose = purpose(request.getSession());
        model.addAttribute("purpose", purpose);
        if (!limiter.tryAttempt(request.getRemoteAddr())) {
            return tooMany(response, pacing, model);
        }
        Optional<DemographicMatch.Factor> kind = DemographicMatch.Factor.of(factor);
        if (given.isBlank() || family.isBlank() || !BIRTH_DATE.matcher(birthDate).matches() || kind.isEmpty() || value.isBlank()) {
            // a form left incomplete is not a failed match: say which fields to fill
            pacing.pace();
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("failed", "match-incomplete");
            return "register/start";
        }
        Proofing.PendingMatch pending;
        try {
            pending = proofing.startMatch(new DemographicMatch.Claim(given, family, birthDate, kind.get(), value),
                    LocaleContextHolder.getLocale());
        } catch (PatientDirectory.Unavailable e) {
            return unavailable(e, response, pacing);
        }
        request.getSession().setAttribute(PENDING, pending);
        pacing.pace();
        return "register/verify";
    }

    @PostMapping("/register/verify")
    public String verify(@RequestParam(defaultValue = "") String code, HttpServletRequest request, HttpServletResponse response,
            Model model) {
        Pacing pacing = Pacing.atLeast(settings.minResponseTime());
        HttpSession session = request.getSession();
        model.addAttribute("purpose", purpose(session));
        if (!limiter.tryAttempt(request.getRemoteAddr())) {
            return tooMany(response, pacing, model);
        }
        Proofing.PendingMatch pending = session.getAttribute(PENDING) instanceof Proofing.PendingMatch p ? p : null;
        Optional<ProofedIdentity> proofed;
        try {
            proofed = pending == null ? Optional.empty() : proofing.finishMatch(pending, code);
        } catch (PatientDirectory.Unavailable e) {
            return unavailable(e, response, pacing);
        }
        pacing.pace();
        if (proofed.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("failed", "verify");
            return "register/verify";
        }
        session.removeAttribute(PENDING);
        return proofed(request, proofed.get(), model, response);
    }

    /** Proofing succeeded: registration goes on to the account form; an MFA reset happens now. */
    private String proofed(HttpServletRequest request, ProofedIdentity identity, Model model, HttpServletResponse response) {
        // a new session id: whoever knew the old one does not share the proofing
        request.changeSessionId();
        HttpSession session = request.getSession();
        String purpose = purpose(session);
        Optional<UserAccount> existing = accounts.findByPatientId(identity.patientId());
        if (MFA_RESET.equals(purpose)) {
            session.removeAttribute(PROOFED);
            existing.ifPresent(account -> {
                events.publishEvent(new AccountEvents.MfaResetProofed(account.id(), identity.method()));
                events.publishEvent(new AccountNotice(account.id(), AccountNotice.Kind.MFA_CHANGED, identity.proofedAt(),
                        java.util.Map.of("method", "reset")));
                log.info("MFA reset after proofing ({}) for account {}", identity.method(), account.id());
            });
            return message(model, existing.isPresent() ? "mfaReset.done" : "mfaReset.noAccount");
        }
        if (existing.isPresent()) {
            return message(model, "register.exists");
        }
        session.setAttribute(PROOFED, identity);
        return "redirect:/register/account";
    }

    @GetMapping("/register/account")
    public String accountForm(HttpSession session, Model model) {
        ProofedIdentity identity = proofed(session);
        if (identity == null) {
            return "redirect:/register";
        }
        model.addAttribute("name", identity.displayName());
        model.addAttribute("language", LocaleContextHolder.getLocale().getLanguage());
        return "register/account";
    }

    @PostMapping("/register/account")
    public String createAccount(@RequestParam(defaultValue = "") String username, @RequestParam(defaultValue = "") String password,
            @RequestParam(defaultValue = "en") String language, HttpSession session, HttpServletResponse response, Model model) {
        ProofedIdentity identity = proofed(session);
        if (identity == null) {
            return "redirect:/register";
        }
        String chosenLanguage = "es".equals(language) ? "es" : "en";
        model.addAttribute("name", identity.displayName());
        model.addAttribute("username", username);
        model.addAttribute("language", chosenLanguage);
        if (!USERNAME.matcher(username).matches()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("usernameError", "register.username.invalid");
            return "register/account";
        }
        List<String> problems = passwordPolicy.problems(password, username);
        if (!problems.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("passwordErrors", problems);
            return "register/account";
        }
        Optional<UserAccount> created = accounts.createProofed(username, passwordEncoder.encode(password), identity.patientId(),
                identity.displayName(), identity.email(), identity.phone(), chosenLanguage,
                new UserAccounts.Proofing(identity.method(), identity.assuranceLevel(), identity.proofedAt().toEpochMilli()));
        if (created.isEmpty()) {
            if (accounts.findByPatientId(identity.patientId()).isPresent()) {
                session.removeAttribute(PROOFED);
                return message(model, "register.exists");
            }
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            model.addAttribute("usernameError", "register.username.taken");
            return "register/account";
        }
        session.removeAttribute(PROOFED);
        log.info("account {} registered ({}, {})", created.get().id(), identity.method(), identity.assuranceLevel());
        return "redirect:/login?registered";
    }

    private ProofedIdentity proofed(HttpSession session) {
        if (session.getAttribute(PROOFED) instanceof ProofedIdentity identity
                && identity.proofedAt().plus(settings.proofedFor()).isAfter(java.time.Instant.now())) {
            return identity;
        }
        session.removeAttribute(PROOFED);
        return null;
    }

    private static String purpose(HttpSession session) {
        return MFA_RESET.equals(session.getAttribute(PURPOSE)) ? MFA_RESET : REGISTER;
    }

    static String message(Model model, String key) {
        model.addAttribute("messageKey", key);
        return "register/message";
    }

    private static String tooMany(HttpServletResponse response, Pacing pacing, Model model) {
        pacing.pace();
        response.setStatus(429);
        return message(model, "enrolment.tooMany");
    }

    private static String unavailable(PatientDirectory.Unavailable e, HttpServletResponse response, Pacing pacing) {
        log.warn("identity proofing unavailable: {}", e.getMessage());
        pacing.pace();
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        return "register/unavailable";
    }
}
