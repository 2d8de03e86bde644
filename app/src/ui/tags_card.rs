//! The Tags card of a user's and a role's page: each tag with a Remove button, and a
//! form that adds one (or replaces the value of a key given again). A macro for the
//! reason `small_post!` is one: `ActionForm`'s bounds on the server function are many.
//! The page brings `SMALL_BUTTON`, `small_post`, `ActionError`, `FormFields` and
//! `TextField` into scope with it.

/// `tags_card!(tag_action, untag_action, "role_name", name, tags, "role-tags")`.
macro_rules! tags_card {
    ($tag:expr, $untag:expr, $field:literal, $holder:expr, $tags:expr, $test_id:literal) => {{
        let holder: String = $holder;
        let tags: Vec<$crate::model::Tag> = $tags;
        let list = if tags.is_empty() {
            view! { <p class="mt-3 text-sm text-slate-600">"No tags."</p> }.into_any()
        } else {
            view! {
                <ul class="mt-3 space-y-2 text-sm" data-testid=$test_id>
                    {tags.into_iter().map(|t| {
                        let remove = small_post!(
                            $untag,
                            [($field, holder.clone()), ("tag_key", t.key.clone())],
                            "Remove",
                            format!("tag {}", t.key)
                        );
                        view! {
                            <li class="flex items-center justify-between gap-2">
                                <span class="break-all">{format!("{}={}", t.key, t.value)}</span>
                                {remove}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        };
        view! {
            <section class="rounded-xl border border-slate-200 bg-surface p-6" aria-labelledby="tags-heading">
                <h2 id="tags-heading" class="text-lg font-medium">"Tags"</h2>
                {list}
                {ActionError($untag)}
                <ActionForm action=$tag attr:class="mt-4">
                    <FormFields action=$tag>
                        <input type="hidden" name=$field value=holder.clone() />
                        <div class="grid gap-2 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
                            <TextField name="tag_key" label="Tag key" />
                            <TextField name="tag_value" label="Tag value" />
                            <button type="submit" class=SMALL_BUTTON>"Add tag"</button>
                        </div>
                    </FormFields>
                </ActionForm>
            </section>
        }
    }};
}

pub(crate) use tags_card;
