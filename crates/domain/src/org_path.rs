//! Materialised paths: "/1/5/23/" lists the ids from the root down to the organisation.
//! A subtree is one index range, and a move rewrites it with one UPDATE.

use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OrgPath(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("组织路径“{0}”格式错误")]
pub struct OrgPathError(String);

impl OrgPath {
    pub fn root(id: i64) -> Self {
        Self(format!("/{id}/"))
    }

    pub fn parse(s: &str) -> Result<Self, OrgPathError> {
        let inner = s
            .strip_prefix('/')
            .and_then(|r| r.strip_suffix('/'))
            .ok_or_else(|| OrgPathError(s.to_string()))?;
        let ok = !inner.is_empty()
            && inner.split('/').all(|seg| {
                !seg.is_empty()
                    && seg.bytes().all(|b| b.is_ascii_digit())
                    && seg.parse::<i64>().is_ok()
            });
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(OrgPathError(s.to_string()))
        }
    }

    pub fn child(&self, id: i64) -> Self {
        Self(format!("{}{id}/", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Ids from the root down to and including this organisation.
    pub fn ids(&self) -> Vec<i64> {
        self.0
            .trim_matches('/')
            .split('/')
            .map(|s| s.parse().expect("checked at parse"))
            .collect()
    }

    pub fn id(&self) -> i64 {
        *self.ids().last().expect("never empty")
    }

    pub fn parent_id(&self) -> Option<i64> {
        let ids = self.ids();
        (ids.len() > 1).then(|| ids[ids.len() - 2])
    }

    /// 0 for the root.
    pub fn depth(&self) -> usize {
        self.0.matches('/').count() - 2
    }

    /// Half-open range [low, high) of paths in this subtree, itself included.
    /// '0' is the character after '/', so every path starting with this one sorts before `high`.
    pub fn subtree_range(&self) -> (String, String) {
        let mut high = self.0.clone();
        high.pop();
        high.push('0');
        (self.0.clone(), high)
    }

    /// True when `other` lies in this subtree (itself included).
    pub fn contains(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }
}

impl fmt::Display for OrgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for OrgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgPath({})", self.0)
    }
}

/// How one organisation stands to another: the basis of every permission decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    Itself,
    DirectChild,
    Descendant,
    Parent,
    Ancestor,
    Sibling,
    Unrelated,
}

impl Relation {
    /// How `target` stands to `actor`: `DirectChild` means target is a direct child of actor.
    pub fn of(actor: &OrgPath, target: &OrgPath) -> Relation {
        if actor == target {
            Relation::Itself
        } else if actor.contains(target) {
            if target.parent_id() == Some(actor.id()) {
                Relation::DirectChild
            } else {
                Relation::Descendant
            }
        } else if target.contains(actor) {
            if actor.parent_id() == Some(target.id()) {
                Relation::Parent
            } else {
                Relation::Ancestor
            }
        } else if actor.parent_id().is_some() && actor.parent_id() == target.parent_id() {
            Relation::Sibling
        } else {
            Relation::Unrelated
        }
    }

    /// Within the actor's own subtree.
    pub fn in_scope(self) -> bool {
        matches!(
            self,
            Relation::Itself | Relation::DirectChild | Relation::Descendant
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_covers_exactly_the_subtree() {
        let p = OrgPath::parse("/1/23/").unwrap();
        let (lo, hi) = p.subtree_range();
        let inside = ["/1/23/", "/1/23/4/", "/1/23/999/7/"];
        let outside = ["/1/230/", "/1/24/", "/1/2/", "/1/", "/1/22/9/"];
        for s in inside {
            assert!(s >= lo.as_str() && s < hi.as_str(), "{s}");
        }
        for s in outside {
            assert!(!(s >= lo.as_str() && s < hi.as_str()), "{s}");
        }
    }

    #[test]
    fn relations() {
        let a = OrgPath::parse("/1/2/").unwrap();
        assert_eq!(Relation::of(&a, &a), Relation::Itself);
        assert_eq!(Relation::of(&a, &a.child(3)), Relation::DirectChild);
        assert_eq!(Relation::of(&a, &a.child(3).child(4)), Relation::Descendant);
        assert_eq!(Relation::of(&a, &OrgPath::root(1)), Relation::Parent);
        assert_eq!(
            Relation::of(&a.child(3), &OrgPath::root(1)),
            Relation::Ancestor
        );
        assert_eq!(
            Relation::of(&a, &OrgPath::parse("/1/5/").unwrap()),
            Relation::Sibling
        );
        assert_eq!(
            Relation::of(&a, &OrgPath::parse("/1/5/6/").unwrap()),
            Relation::Unrelated
        );
    }

    #[test]
    fn parse_rejects_malformed() {
        for bad in ["", "/", "1/2/", "/1/2", "/1//2/", "/a/"] {
            assert!(OrgPath::parse(bad).is_err(), "{bad}");
        }
        let p = OrgPath::parse("/1/2/3/").unwrap();
        assert_eq!(p.ids(), vec![1, 2, 3]);
        assert_eq!(p.depth(), 2);
        assert_eq!(p.parent_id(), Some(2));
    }
}
