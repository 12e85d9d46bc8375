package org.portico.auth.mfa;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.smart.AuthorizationRequestCache;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/** The second step of sign-in ({@value SecondFactorGate#MFA_PATH}): a code from the authenticator app or a recovery code. */
@Controller
public class MfaController {

    private final UserAccounts users;
    private final MfaVerifier verifier;
    private final RememberedDevices devices;
    private final RequestCache requests = AuthorizationRequestCache.create();

    public MfaController(UserAccounts users, MfaVerifier verifier, RememberedDevices devices) {
        this.users = users;
        this.verifier = verifier;
        this.devices = devices;
    }

    @GetMapping(SecondFactorGate.MFA_PATH)
    public String page(Model model) {
        model.addAttribute("rememberDays", devices.lifetime().toDays());
        return "login-mfa";
    }

    @PostMapping(SecondFactorGate.MFA_PATH)
    public String verify(Principal principal, @RequestParam(name = "code", defaultValue = "") String code,
            @RequestParam(name = "remember", defaultValue = "false") boolean remember,
            HttpServletRequest request, HttpServletResponse response, Model model) {
        UserAccount user = users.findByUsername(principal.getName())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN));
        MfaVerifier.Result result = verifier.verify(user.id(), code);
        if (result != MfaVerifier.Result.ACCEPTED) {
            model.addAttribute("error", result == MfaVerifier.Result.LOCKED ? "mfa.error.locked" : "mfa.error.wrong");
            model.addAttribute("rememberDays", devices.lifetime().toDays());
            response.setStatus(HttpStatus.UNPROCESSABLE_ENTITY.value());
            return "login-mfa";
        }
        Factors.completeMfa(request, response);
        if (remember) {
            devices.remember(request, response, user.id());
        }
        return "redirect:" + resumeUrl(request, response);
    }

    /** Where the sign-in was going (the saved authorization request), else the security page. */
    String resumeUrl(HttpServletRequest request, HttpServletResponse response) {
        SavedRequest saved = requests.getRequest(request, response);
        return saved == null ? SecurityPageController.PAGE : saved.getRedirectUrl();
    }
}
