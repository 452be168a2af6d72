//! Versions as values: `1.28`, `3.18.2`, `v1.30.4`, `4.0.x`.
//!
//! A version remembers how many components it was written with (its precision);
//! comparisons happen at the shorter precision of the two sides, so `1.30.4 == 1.30`
//! and `1.30.4 <= 1.30` hold: "Kubernetes 1.30" means every 1.30.x.
//!
//! **Build metadata is kept, and ignored by comparisons.** Kubelet versions often carry
//! it (`v1.30.4+rke2r1`, `1.29.3+k3s1`): it names a distribution's build, not a
//! different Kubernetes. As in semver §10, [`Version::compare`] ignores it, so
//! `1.30.4+rke2r1` compares equal to `1.30.4`; it is displayed, so a finding that
//! quotes the version shows what the inventory says. (The derived `==` is structural:
//! it tells `1.30` from `1.30.0`, and `+a` from `+b`.)

use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// How many numeric components were written (1 to 3).
    pub precision: u8,
    pub pre: semver::Prerelease,
    /// `+rke2r1`: kept for display, ignored by [`Version::compare`].
    pub build: semver::BuildMetadata,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionError {
    pub reason: &'static str,
}

impl Version {
    pub fn new(major: u64, minor: u64, patch: u64, precision: u8) -> Version {
        Version {
            major,
            minor,
            patch,
            precision,
            pre: semver::Prerelease::EMPTY,
            build: semver::BuildMetadata::EMPTY,
        }
    }

    /// Parses `v1.30.4`, `1.28`, `4.0.x`, `6`, `1.30.4-alauda.1`, `1.30.4+rke2r1`.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let t = text.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        if t.is_empty() {
            return Err(VersionError {
                reason: "empty version",
            });
        }
        let (core, rest) = match t.find(['-', '+']) {
            Some(i) => (&t[..i], &t[i..]),
            None => (t, ""),
        };
        let mut parts: Vec<&str> = core.split('.').collect();
        while parts.len() > 1 && matches!(parts.last(), Some(&"x") | Some(&"*")) {
            parts.pop();
        }
        if parts.len() > 3 {
            return Err(VersionError {
                reason: "a version has at most three numbers (major.minor.patch)",
            });
        }
        if parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(VersionError {
                reason: "expected numbers separated by dots, like 1.30.4",
            });
        }
        let precision = parts.len() as u8;
        let mut padded = parts.join(".");
        for _ in parts.len()..3 {
            padded.push_str(".0");
        }
        padded.push_str(rest);
        let sv = semver::Version::parse(&padded).map_err(|_| VersionError {
            reason: "not a valid version (numbers separated by dots, like 1.30.4)",
        })?;
        Ok(Version {
            major: sv.major,
            minor: sv.minor,
            patch: sv.patch,
            precision,
            pre: sv.pre,
            build: sv.build,
        })
    }

    /// Compares at the shorter precision of the two sides; build metadata never counts.
    pub fn compare(&self, other: &Version) -> Ordering {
        let p = self.precision.min(other.precision);
        let a = [self.major, self.minor, self.patch];
        let b = [other.major, other.minor, other.patch];
        for i in 0..p as usize {
            match a[i].cmp(&b[i]) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        if p == 3 {
            // semver: a pre-release sorts before its release
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (false, true) => Ordering::Less,
                (true, false) => Ordering::Greater,
                (false, false) => self.pre.cmp(&other.pre),
            }
        } else {
            Ordering::Equal
        }
    }

    /// The same version truncated to `major.minor` (how hops name platform versions).
    pub fn major_minor(&self) -> Version {
        Version::new(self.major, self.minor, 0, self.precision.min(2))
    }

    /// The next minor version, at major.minor precision (for one-minor-at-a-time ladders).
    pub fn next_minor(&self) -> Version {
        Version::new(self.major, self.minor + 1, 0, 2)
    }

    /// The same version written with all three components (`4.3` -> `4.3.0`).
    pub fn full(&self) -> Version {
        Version {
            precision: 3,
            ..self.clone()
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.major)?;
        if self.precision >= 2 {
            write!(f, ".{}", self.minor)?;
        }
        if self.precision >= 3 {
            write!(f, ".{}", self.patch)?;
        }
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

/// `lo..=hi` or `lo..hi`, compared with [`Version::compare`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VersionRange {
    pub lo: Version,
    pub hi: Version,
    pub inclusive: bool,
}

impl VersionRange {
    pub fn contains(&self, v: &Version) -> bool {
        if v.compare(&self.lo) == Ordering::Less {
            return false;
        }
        match v.compare(&self.hi) {
            Ordering::Less => true,
            Ordering::Equal => self.inclusive,
            Ordering::Greater => false,
        }
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.inclusive { "..=" } else { ".." };
        write!(f, "{}{}{}", self.lo, op, self.hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn parses_the_written_forms() {
        assert_eq!(v("v1.30.4"), Version::new(1, 30, 4, 3));
        assert_eq!(v("1.28"), Version::new(1, 28, 0, 2));
        assert_eq!(v("4.0.x"), Version::new(4, 0, 0, 2));
        assert_eq!(v("6"), Version::new(6, 0, 0, 1));
        assert_eq!(v("1.30.4-alauda.1").pre.as_str(), "alauda.1");
        assert!(Version::parse("1.x.3").is_err());
        assert!(Version::parse("1.2.3.4").is_err());
        assert!(Version::parse("one").is_err());
        assert!(Version::parse("").is_err());
    }

    #[test]
    fn compares_numerically_at_the_shorter_precision() {
        assert_eq!(v("1.30.4").compare(&v("1.28")), Ordering::Greater);
        assert_eq!(v("1.9").compare(&v("1.10")), Ordering::Less);
        assert_eq!(v("1.28.3").compare(&v("1.28")), Ordering::Equal);
        assert_eq!(v("3.18.1").compare(&v("3.18")), Ordering::Equal);
        assert_eq!(v("1.30.4-rc.1").compare(&v("1.30.4")), Ordering::Less);
        assert_eq!(v("4.1").compare(&v("4.x")), Ordering::Equal);
    }

    #[test]
    fn ranges_include_every_patch_of_their_bounds() {
        let r = VersionRange {
            lo: v("1.31"),
            hi: v("1.34"),
            inclusive: true,
        };
        assert!(r.contains(&v("1.34.2")));
        assert!(r.contains(&v("1.31.0")));
        assert!(!r.contains(&v("1.30.9")));
        assert!(!r.contains(&v("1.35")));
        let half = VersionRange {
            inclusive: false,
            ..r
        };
        assert!(!half.contains(&v("1.34.2")));
    }

    #[test]
    fn build_metadata_is_kept_and_ignored_by_comparisons() {
        let rke = v("v1.30.4+rke2r1");
        assert_eq!(rke.build.as_str(), "rke2r1");
        assert_eq!(rke.to_string(), "1.30.4+rke2r1");
        assert_eq!(rke.compare(&v("1.30.4")), Ordering::Equal);
        assert_eq!(rke.compare(&v("1.30.4+k3s1")), Ordering::Equal);
        assert_eq!(rke.compare(&v("1.30.5")), Ordering::Less);
        assert_eq!(rke.compare(&v("1.30")), Ordering::Equal);
        assert_eq!(v("1.29.3+k3s1").compare(&rke), Ordering::Less);
        let both = v("1.30.4-rc.1+build.7");
        assert_eq!(both.to_string(), "1.30.4-rc.1+build.7");
        assert_eq!(both.compare(&v("1.30.4-rc.1")), Ordering::Equal);
        assert_eq!(v("1.30+x").to_string(), "1.30+x", "kept at any precision");
        assert!(Version::parse("1.30.4+").is_err(), "empty build metadata");
        assert!(Version::parse("1.30.4+a+b").is_err());
        assert!(
            Version::parse("1.30.4+a_b").is_err(),
            "semver identifiers only"
        );
    }

    #[test]
    fn displays_at_written_precision() {
        assert_eq!(v("v1.30.4").to_string(), "1.30.4");
        assert_eq!(v("4.3").to_string(), "4.3");
        assert_eq!(v("4.3").full().to_string(), "4.3.0");
    }
}
