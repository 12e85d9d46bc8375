package org.portico.auth.mfa;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.login.AccountSecurityProperties;
import org.portico.auth.notify.AccountNotice;
import org.portico.auth.smart.AuthorizationRequestCache;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.UserCredentialRepository;

/**
 * The account security page ({@value #PAGE}): the authenticator app (enrol with a QR code or the secret
 * typed by hand, confirmed by a first code; remove), recovery codes (shown once, regenerated on request)
 * and remembered devices (revoke).
 */
@Controller
public class SecurityPageController {

    public static final String PAGE = "/account/security";

    /** The secret being enrolled lives in the session until a code from it confirms it. */
    static final String PENDING_SECRET = SecurityPageController.class.getName() + ".pendingSecret";

    private final UserAccounts users;
    private final SecondFactors factors;
    private final RememberedDevices devices;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final String issuerName;
    private final PublicKeyCredentialUserEntityRepository passkeyUsers;
    private final UserCredentialRepository passkeys;
    private final RequestCache requests = AuthorizationRequestCache.create();

    public SecurityPageController(UserAccounts users, SecondFactors factors, RememberedDevices devices,
            ApplicationEventPublisher events, Clock clock, AccountSecurityProperties properties,
            PublicKeyCredentialUserEntityRepository passkeyUsers, UserCredentialRepository passkeys) {
        this.passkeyUsers = passkeyUsers;
        this.passkeys = passkeys;
        this.users = users;
        this.factors = factors;
        this.devices = devices;
        this.events = events;
        this.clock = clock;
        this.issuerName = properties.mfa().issuerName();
    }

    @GetMapping(PAGE)
    public String page(Principal principal, Model model) {
        UserAccount user = user(principal);
        model.addAttribute("totp", factors.hasTotp(user.id()));
        model.addAttribute("recoveryCodesLeft", factors.recoveryCodesLeft(user.id()));
        model.addAttribute("devices", devices.list(user.id()));
        model.addAttribute("passkeys", Passkeys.of(user.username(), passkeyUsers, passkeys));
        return "account/security";
    }

    @PostMapping(PAGE + "/passkeys/{id}/delete")
    public String deletePasskey(Principal principal, @PathVariable("id") String id, RedirectAttributes redirect) {
        UserAccount user = user(principal);
        PublicKeyCredentialUserEntity entity = passkeyUsers.findByUsername(user.username());
        Bytes credentialId;
        try {
            credentialId = Bytes.fromBase64(id);
        } catch (IllegalArgumentException e) {
            return "redirect:" + PAGE;
        }
        CredentialRecord credential = passkeys.findByCredentialId(credentialId);
        // only one of the user's own passkeys
        if (entity != null && credential != null && entity.getId().equals(credential.getUserEntityUserId())) {
            passkeys.delete(credentialId);
            events.publishEvent(new AccountNotice(user.id(), AccountNotice.Kind.MFA_CHANGED, clock.instant(), Map.of("method", "passkey-removed")));
            redirect.addFlashAttribute("done", "security.passkeys.removed");
        }
        return "redirect:" + PAGE;
    }

    @GetMapping(SecondFactorGate.ENROL_PATH)
    public String enrol(Principal principal, @RequestParam(name = "required", required = false) String required,
            HttpSession session, Model model) {
        UserAccount user = user(principal);
        if (factors.hasTotp(user.id())) {
            return "redirect:" + PAGE;
        }
        byte[] secret = (byte[]) session.getAttribute(PENDING_SECRET);
        if (secret == null) {
            secret = SecondFactors.newTotpSecret();
            session.setAttribute(PENDING_SECRET, secret);
        }
        enrolModel(model, user, secret, required != null);
        return "account/totp-enrol";
    }

    @PostMapping(SecondFactorGate.ENROL_PATH)
    public String confirm(Principal principal, @RequestParam(name = "code", defaultValue = "") String code,
            HttpServletRequest request, HttpServletResponse response, HttpSession session, Model model) {
        UserAccount user = user(principal);
        byte[] secret = (byte[]) session.getAttribute(PENDING_SECRET);
        if (secret == null || factors.hasTotp(user.id())) {
            return "redirect:" + PAGE;
        }
        OptionalLong step = Totp.matchingStep(secret, code.replaceAll("\\s", ""), clock.instant());
        if (step.isEmpty()) {
            enrolModel(model, user, secret, false);
            model.addAttribute("error", "totp.enrol.error");
            response.setStatus(HttpStatus.UNPROCESSABLE_ENTITY.value());
            return "account/totp-enrol";
        }
        factors.saveTotp(user.id(), secret, step.getAsLong());
        session.removeAttribute(PENDING_SECRET);
        List<String> codes = factors.newRecoveryCodes(user.id());
        events.publishEvent(new AccountNotice(user.id(), AccountNotice.Kind.MFA_CHANGED, clock.instant(), Map.of("method", "totp-added")));
        // the code just typed is a second factor: this session is now fully signed in
        Factors.completeMfa(request, response);
        return recoveryCodesPage(model, codes, request, response);
    }

    @PostMapping(SecondFactorGate.ENROL_PATH + "/remove")
    public String removeTotp(Principal principal, RedirectAttributes redirect) {
        UserAccount user = user(principal);
        if (factors.hasTotp(user.id())) {
            factors.removeTotp(user.id());
            events.publishEvent(new AccountNotice(user.id(), AccountNotice.Kind.MFA_CHANGED, clock.instant(), Map.of("method", "totp-removed")));
            redirect.addFlashAttribute("done", "security.totp.removed");
        }
        return "redirect:" + PAGE;
    }

    @PostMapping(PAGE + "/recovery-codes")
    public String newRecoveryCodes(Principal principal, HttpServletRequest request, HttpServletResponse response, Model model) {
        UserAccount user = user(principal);
        if (!factors.hasTotp(user.id())) {
            return "redirect:" + PAGE;
        }
        List<String> codes = factors.newRecoveryCodes(user.id());
        events.publishEvent(new AccountNotice(user.id(), AccountNotice.Kind.MFA_CHANGED, clock.instant(), Map.of("method", "recovery-codes")));
        return recoveryCodesPage(model, codes, request, response);
    }

    @PostMapping(PAGE + "/devices/{id}/revoke")
    public String revokeDevice(Principal principal, @PathVariable("id") String id, RedirectAttributes redirect) {
        UserAccount user = user(principal);
        if (devices.revoke(user.id(), id)) {
            redirect.addFlashAttribute("done", "security.devices.revoked");
        }
        return "redirect:" + PAGE;
    }

    private String recoveryCodesPage(Model model, List<String> codes, HttpServletRequest request, HttpServletResponse response) {
        SavedRequest saved = requests.getRequest(request, response);
        model.addAttribute("codes", codes);
        model.addAttribute("continueUrl", saved == null ? PAGE : saved.getRedirectUrl());
        return "account/recovery-codes";
    }

    private void enrolModel(Model model, UserAccount user, byte[] secret, boolean required) {
        String base32 = Base32.encode(secret);
        String label = URLEncoder.encode(issuerName + ":" + user.username(), StandardCharsets.UTF_8).replace("+", "%20");
        String uri = "otpauth://totp/" + label + "?secret=" + base32
                + "&issuer=" + URLEncoder.encode(issuerName, StandardCharsets.UTF_8).replace("+", "%20")
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
        model.addAttribute("qrSvg", QrSvg.of(uri));
        model.addAttribute("secretGroups", base32.replaceAll("(.{4})(?!$)", "$1 "));
        model.addAttribute("required", required);
    }

    private UserAccount user(Principal principal) {
        return users.findByUsername(principal.getName()).orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN));
    }
}
