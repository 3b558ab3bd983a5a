//! Password reset codes (issue 4, part 6): an admin issues a code for one person (`issue`),
//! the person sets a new password with it under 忘记密码 (`redeem`).

pub mod issue;
pub mod issue_cadres;
pub mod issue_many;
pub mod redeem;
