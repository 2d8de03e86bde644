//! "My security credentials": every signed-in principal's own page. The console
//! password (IAM users change it here), MFA devices (assign one by scanning its QR
//! code, or typing its secret key, and typing two consecutive codes; remove one), and
//! access keys with the rotation assistant. What
//! each user may do here is decided by their policies, as in AWS.

use crate::api::auth::ChangeRootPassword;
use crate::api::mfa::{
    CreateMyMfaDevice, EnableMyMfaDevice, MyCredentials, NewRecoveryCodes, RemoveMyMfaDevice,
    my_mfa_devices,
};
use crate::model::RECOVERY_CODES;
use crate::model::{MfaDevice, NewMfaDevice, PasswordRequirements};
use crate::ui::components::access_keys::{
    AccessKeysSection, KeyActions, KeysResource, keys_resource,
};
use crate::ui::components::{
    ActionError, CopyButton, ErrorAlert, FormFields, PasswordChecklist, PasswordField,
    StrengthMeter, TextField,
};
use crate::ui::format::{format_time, urlencode};
use crate::ui::small_post::{SMALL_BUTTON, small_post};
use leptos::prelude::*;
use leptos_meta::Title;

const BUTTON: &str = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60";
const SECTION: &str = "mt-6 max-w-2xl rounded-xl border border-slate-200 bg-surface p-6";

#[component]
pub fn SecurityCredentialsPage() -> impl IntoView {
    let create = ServerAction::<CreateMyMfaDevice>::new();
    let enable = ServerAction::<EnableMyMfaDevice>::new();
    let remove = ServerAction::<RemoveMyMfaDevice>::new();
    let renew = ServerAction::<NewRecoveryCodes>::new();
    let data = Resource::new(
        move || {
            (
                enable.version().get(),
                remove.version().get(),
                renew.version().get(),
            )
        },
        |_| my_mfa_devices(),
    );
    let key_actions = KeyActions::new();
    let keys = keys_resource(String::new, key_actions);
    view! {
        <Title text="My security credentials" />
        <h1 class="text-2xl font-semibold">"My security credentials"</h1>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(me) => view! { <Credentials me create enable remove renew keys key_actions /> }.into_any(),
                    Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Credentials(
    me: MyCredentials,
    create: ServerAction<CreateMyMfaDevice>,
    enable: ServerAction<EnableMyMfaDevice>,
    remove: ServerAction<RemoveMyMfaDevice>,
    renew: ServerAction<NewRecoveryCodes>,
    keys: KeysResource,
    key_actions: KeyActions,
) -> impl IntoView {
    let password = if let (Some(email), Some(needs)) =
        (me.root_email.clone(), me.root_password.clone())
    {
        view! { <RootPassword email needs /> }.into_any()
    } else {
        view! {
            <p class="mt-1 text-sm text-slate-600">"Your console password, if your policies let you change it."</p>
            <a href="/change-password" class="mt-3 inline-block text-sm font-medium text-link hover:underline">"Change password"</a>
        }
        .into_any()
    };
    let count = me.devices.len();
    let devices = me.devices.clone();
    view! {
        <p class="mt-1 text-sm text-slate-600" data-testid="credentials-of">{me.principal.clone()}</p>
        <section class=SECTION aria-labelledby="password-heading">
            <h2 id="password-heading" class="text-lg font-medium">"Console password"</h2>
            {password}
        </section>
        <section class=SECTION aria-labelledby="mfa-heading">
            <h2 id="mfa-heading" class="text-lg font-medium">"Multi-factor authentication (MFA)"</h2>
            <p class="mt-1 text-sm text-slate-600">
                {format!("{count} of 8 devices assigned. With a device, signing in asks for its code after the password.")}
            </p>
            {ActionError(remove)}
            <DeviceList devices remove />
            {move || enable.value().get().and_then(Result::ok).map(|codes| view! {
                <p role="status" class="mt-3 text-sm text-green-800" data-testid="mfa-assigned">
                    "The device is assigned. Signing in now asks for its code."
                </p>
                <CodesPanel codes />
            })}
            {(count > 0).then(|| view! { <RecoveryCodes left=me.recovery_codes_left renew /> })}
            {(count < 8).then(|| view! { <AssignDevice suggested=me.suggested_device_name.clone() create enable /> })}
        </section>
        <AccessKeysSection user="" keys actions=key_actions root=me.is_root />
    }
}

#[component]
fn DeviceList(devices: Vec<MfaDevice>, remove: ServerAction<RemoveMyMfaDevice>) -> impl IntoView {
    if devices.is_empty() {
        return view! { <p class="mt-3 text-sm" data-testid="no-mfa">"No MFA device is assigned."</p> }.into_any();
    }
    let rows = devices
        .into_iter()
        .map(|d| {
            let name = d.name.to_string();
            view! {
                <tr class="border-t border-slate-200">
                    <td class="py-2 pr-4">{name.clone()}</td>
                    <td class="py-2 pr-4 break-all font-mono text-xs">{d.serial_number.clone()}</td>
                    <td class="py-2 pr-4">{d.enabled_at.map(format_time).unwrap_or_default()}</td>
                    <td class="py-2">{small_post!(remove, [("serial_number", d.serial_number.clone())], "Remove", name)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="mt-3 overflow-x-auto" tabindex="0" role="region" aria-label="MFA devices">
            <table class="min-w-full text-left text-sm" data-testid="mfa-devices">
                <thead>
                    <tr class="text-slate-500">
                        <th scope="col" class="py-2 pr-4 font-medium">"Device"</th>
                        <th scope="col" class="py-2 pr-4 font-medium">"Serial number"</th>
                        <th scope="col" class="py-2 pr-4 font-medium">"Assigned"</th>
                        <th scope="col" class="py-2 font-medium"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Assigning a device: name it, scan the QR code (or type the secret key), then type
/// two consecutive codes. The secret is shown only here, once.
#[component]
fn AssignDevice(
    suggested: String,
    create: ServerAction<CreateMyMfaDevice>,
    enable: ServerAction<EnableMyMfaDevice>,
) -> impl IntoView {
    // The device being set up: made by `create`, done once `enable` succeeds for it.
    let pending = move || {
        let made = create.value().get().and_then(Result::ok)?;
        let enabled_since = enable.value().get().is_some_and(|r| r.is_ok());
        (!enabled_since).then_some(made)
    };
    // A new device starts a new enabling: forget the last one's outcome. Only on a
    // change: this part is built again whenever the page's data reloads, and the last
    // outcome (with its recovery codes) must stay on the page.
    Effect::watch(
        move || create.version().get(),
        move |_, _, _| enable.clear(),
        false,
    );
    view! {
        <div class="mt-6 border-t border-slate-200 pt-4">
            <h3 class="text-base font-medium">"Assign an MFA device"</h3>
            {move || match pending() {
                None => {
                    let suggested = suggested.clone();
                    view! {
                    <ActionForm action=create attr:class="mt-3 space-y-3">
                        <FormFields action=create>
                            <TextField name="device_name" label="Device name" required=true value=suggested
                                hint="Letters, digits and + = , . @ _ -; unique in the account" />
                            <button type="submit" class=BUTTON>"Set up an authenticator app"</button>
                        </FormFields>
                    </ActionForm>
                    }.into_any()
                }
                Some(new) => view! { <EnableDevice new enable /> }.into_any(),
            }}
        </div>
    }
    .into_any()
}

#[component]
fn EnableDevice(new: NewMfaDevice, enable: ServerAction<EnableMyMfaDevice>) -> impl IntoView {
    let secret = new.base32_seed.clone();
    view! {
        <ol class="mt-3 list-decimal space-y-3 pl-5 text-sm">
            <li>"Install an authenticator app on your phone or computer."</li>
            <li>
                "Scan this QR code with the app, or type the secret key into it."
                <img
                    class="mt-2 h-48 w-48 rounded border border-slate-200 bg-white p-1"
                    src=format!("data:image/png;base64,{}", new.qr_code_png)
                    alt=format!("QR code for the MFA device {}", new.device.name)
                />
                <p class="mt-2">
                    "Secret key: "
                    <span class="break-all font-mono" data-testid="mfa-secret">{secret.clone()}</span>
                    <CopyButton text=secret what="secret key" />
                </p>
            </li>
            <li>"Type two consecutive codes the app shows: one, then the next (a new code comes every 30 seconds)."</li>
        </ol>
        <ActionForm action=enable attr:class="mt-3 space-y-3">
            <FormFields action=enable>
                <input type="hidden" name="serial_number" value=new.device.serial_number.clone() />
                <TextField name="authentication_code_1" label="MFA code 1" autocomplete="one-time-code" required=true />
                <TextField name="authentication_code_2" label="MFA code 2" autocomplete="one-time-code" required=true />
                <button type="submit" class=BUTTON disabled=move || enable.pending().get()>"Assign MFA device"</button>
            </FormFields>
        </ActionForm>
    }
}

/// How many recovery codes are left, and a new set on request.
#[component]
fn RecoveryCodes(left: i64, renew: ServerAction<NewRecoveryCodes>) -> impl IntoView {
    view! {
        <div class="mt-4 border-t border-slate-200 pt-4 text-sm">
            <h3 class="text-base font-medium">"Recovery codes"</h3>
            <p class="mt-1 text-slate-600" data-testid="recovery-codes-left">
                {format!("{left} of {RECOVERY_CODES} recovery codes left. Each signs you in once instead of an MFA code, if you lose your device.")}
            </p>
            {ActionError(renew)}
            <ActionForm action=renew attr:class="mt-2">
                <button type="submit" class=SMALL_BUTTON>"Generate new recovery codes"</button>
            </ActionForm>
            {move || renew.value().get().and_then(Result::ok).map(|codes| view! { <CodesPanel codes /> })}
        </div>
    }
    .into_any()
}

/// New recovery codes, shown once, to copy or download.
#[component]
fn CodesPanel(codes: Vec<String>) -> impl IntoView {
    let text: String = codes.iter().map(|c| format!("{c}\r\n")).collect();
    let file = format!("data:text/plain;charset=utf-8,{}", urlencode(&text));
    view! {
        <div class="mt-3 rounded-md border border-emerald-300 bg-emerald-50 p-4" role="status" data-testid="recovery-codes">
            <p class="font-medium">"Your recovery codes, shown this once. Keep them somewhere safe, apart from your device; each works once. Earlier codes no longer work."</p>
            <ul class="mt-2 grid grid-cols-2 gap-1 font-mono text-sm">
                {codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
            </ul>
            <CopyButton text=text what="recovery codes" />
            <a href=file download="recovery-codes.txt" rel="external" class="ml-3 text-sm font-medium text-link hover:underline">"Download .txt file"</a>
        </div>
    }
}

/// The root user's password: the current one, then a new one that ticks off the root
/// password rules as it is typed.
#[component]
fn RootPassword(email: String, needs: PasswordRequirements) -> impl IntoView {
    let change = ServerAction::<ChangeRootPassword>::new();
    let (typed, set_typed) = signal(String::new());
    let email = Signal::derive(move || email.clone());
    view! {
        <p class="mt-1 text-sm text-slate-600">"The root user's password. Signing in as root needs it (and your MFA device, once assigned)."</p>
        <ActionForm action=change attr:class="mt-3 max-w-md space-y-3">
            <FormFields action=change>
                <PasswordField name="current_password" label="Current password" autocomplete="current-password" />
                <PasswordField name="new_password" label="New password" autocomplete="new-password"
                    on_input=Callback::new(move |value| set_typed.set(value)) />
                <PasswordChecklist password=typed.into() email />
                <StrengthMeter password=typed.into() context=Signal::stored(needs.context)
                    minimum=needs.minimum_score />
                <PasswordField name="new_password_confirmation" label="Confirm the new password" autocomplete="new-password" />
                <button type="submit" class=BUTTON disabled=move || change.pending().get()>"Change password"</button>
            </FormFields>
        </ActionForm>
        {move || change.value().get().is_some_and(|r| r.is_ok()).then(|| view! {
            <p role="status" class="mt-3 text-sm text-green-800" data-testid="root-password-changed">"The root password is changed."</p>
        })}
    }
    .into_any()
}
