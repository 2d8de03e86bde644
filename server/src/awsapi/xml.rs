//! AWS's Query protocol answers: `<{Action}Response>` holding `<{Action}Result>` and
//! `<ResponseMetadata>`, lists as `<member>` elements, times in ISO 8601 (UTC, whole
//! seconds, `Z`), booleans as `true`/`false`; errors as `<ErrorResponse>`.

use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

const ISO8601: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// Text escaped for XML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

pub fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(ISO8601)
        .unwrap_or_default()
}

/// An element tree being written: a result's members, in order.
#[derive(Debug, Default)]
pub struct Xml(String);

impl Xml {
    pub fn new() -> Self {
        Self::default()
    }

    /// `<name>text</name>`.
    pub fn text(mut self, name: &str, text: &str) -> Self {
        self.0.push('<');
        self.0.push_str(name);
        self.0.push('>');
        self.0.push_str(&escape(text));
        self.0.push_str("</");
        self.0.push_str(name);
        self.0.push('>');
        self
    }

    /// Bare text: a list member that is a string (`<member>name</member>`).
    pub fn bare(text: &str) -> Self {
        Self(escape(text))
    }

    /// `<name>text</name>` when there is a text.
    pub fn opt(self, name: &str, text: Option<&str>) -> Self {
        match text {
            Some(text) => self.text(name, text),
            None => self,
        }
    }

    pub fn time(self, name: &str, at: OffsetDateTime) -> Self {
        self.text(name, &timestamp(at))
    }

    pub fn opt_time(self, name: &str, at: Option<OffsetDateTime>) -> Self {
        match at {
            Some(at) => self.time(name, at),
            None => self,
        }
    }

    pub fn bool(self, name: &str, value: bool) -> Self {
        self.text(name, if value { "true" } else { "false" })
    }

    pub fn number(self, name: &str, value: i64) -> Self {
        self.text(name, &value.to_string())
    }

    /// `<name>…</name>` around what `inner` writes.
    pub fn nest(mut self, name: &str, inner: Xml) -> Self {
        self.0.push('<');
        self.0.push_str(name);
        self.0.push('>');
        self.0.push_str(&inner.0);
        self.0.push_str("</");
        self.0.push_str(name);
        self.0.push('>');
        self
    }

    /// `<name><member>…</member>…</name>`: a list, empty or not (AWS writes empty
    /// lists as an empty element).
    pub fn list<T>(
        self,
        name: &str,
        items: impl IntoIterator<Item = T>,
        each: impl Fn(T) -> Xml,
    ) -> Self {
        let mut members = Xml::new();
        for item in items {
            members = members.nest("member", each(item));
        }
        self.nest(name, members)
    }

    /// Pagination as AWS answers it: `IsTruncated`, and `Marker` when it is.
    pub fn page(self, marker: Option<&str>) -> Self {
        self.bool("IsTruncated", marker.is_some())
            .opt("Marker", marker)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The whole answer to `action`: its result (absent for actions that return nothing)
/// and the request id.
pub fn response(namespace: &str, action: &str, result: Option<Xml>, request_id: &str) -> String {
    let mut body = Xml::new();
    if let Some(result) = result {
        body = body.nest(&format!("{action}Result"), result);
    }
    body = body.nest("ResponseMetadata", Xml::new().text("RequestId", request_id));
    format!(
        "<{action}Response xmlns=\"{namespace}\">{}</{action}Response>\n",
        body.into_string()
    )
}

/// An error answer: `Sender` when the request was at fault, `Receiver` when we were.
pub fn error(namespace: &str, sender: bool, code: &str, message: &str, request_id: &str) -> String {
    let error = Xml::new()
        .text("Type", if sender { "Sender" } else { "Receiver" })
        .text("Code", code)
        .text("Message", message);
    format!(
        "<ErrorResponse xmlns=\"{namespace}\">{}{}</ErrorResponse>\n",
        Xml::new().nest("Error", error).into_string(),
        Xml::new().text("RequestId", request_id).into_string()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn answers_are_shaped_as_aws_shapes_them() {
        let result = Xml::new()
            .list("Users", ["a<b", "c"], |name| {
                Xml::new().text("UserName", name)
            })
            .page(Some("m&1"))
            .time("CreateDate", datetime!(2026-12-05 10:00:00.5 +01:00));
        assert_eq!(
            response(
                "https://iam.amazonaws.com/doc/2010-05-08/",
                "ListUsers",
                Some(result),
                "r1"
            ),
            "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListUsersResult>\
             <Users><member><UserName>a&lt;b</UserName></member><member><UserName>c</UserName></member></Users>\
             <IsTruncated>true</IsTruncated><Marker>m&amp;1</Marker><CreateDate>2026-12-05T09:00:00Z</CreateDate>\
             </ListUsersResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></ListUsersResponse>\n"
        );
        assert_eq!(
            response("ns", "DeleteUser", None, "r2"),
            "<DeleteUserResponse xmlns=\"ns\"><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></DeleteUserResponse>\n"
        );
        assert_eq!(
            error(
                "ns",
                true,
                "NoSuchEntity",
                "The user with name x cannot be found.",
                "r3"
            ),
            "<ErrorResponse xmlns=\"ns\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>\
             <Message>The user with name x cannot be found.</Message></Error><RequestId>r3</RequestId></ErrorResponse>\n"
        );
    }
}
