//! Groups: creation, data, participants, admins, name, picture.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::JsonObject;
use crate::api::client::Client;
use crate::api::error::Result;
use crate::api::file::FileSource;
use crate::api::registry::Op;

/// `{created, chatId, groupInviteLink}` of `createGroup`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedGroup {
    /// Whether the group was created.
    pub created: bool,
    /// The group's id (`…@g.us`).
    pub chat_id: String,
    /// The invite link.
    #[serde(default)]
    pub group_invite_link: String,
    /// Other fields.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `getGroupData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupData {
    /// The group's id.
    pub group_id: String,
    /// The owner's chat id.
    #[serde(default)]
    pub owner: String,
    /// The group's name.
    #[serde(default)]
    pub subject: String,
    /// Members.
    #[serde(default)]
    pub participants: Vec<GroupParticipant>,
    /// The invite link.
    #[serde(default)]
    pub group_invite_link: String,
    /// Other fields (`creation` …).
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// A group member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupParticipant {
    /// The member's chat id.
    pub id: String,
    /// Admin rights.
    #[serde(default)]
    pub is_admin: bool,
    /// Creator rights.
    #[serde(default)]
    pub is_super_admin: bool,
}

impl Client {
    /// `createGroup` with the given members (phone numbers or chat ids).
    pub fn create_group(&self, name: &str, participants: &[&str]) -> Result<CreatedGroup> {
        self.typed(
            Op::CreateGroup,
            json!({ "groupName": name, "chatIds": participants }),
            None,
        )
    }

    /// `updateGroupName`.
    pub fn update_group_name(&self, group_id: &str, name: &str) -> Result<JsonObject> {
        self.typed(
            Op::UpdateGroupName,
            json!({ "groupId": group_id, "groupName": name }),
            None,
        )
    }

    /// `getGroupData`.
    pub fn get_group_data(&self, group_id: &str) -> Result<GroupData> {
        self.typed(Op::GetGroupData, json!({ "groupId": group_id }), None)
    }

    /// `addGroupParticipant`.
    pub fn add_group_participant(&self, group_id: &str, chat: &str) -> Result<JsonObject> {
        self.member_call(Op::AddGroupParticipant, group_id, chat)
    }

    /// `removeGroupParticipant`.
    pub fn remove_group_participant(&self, group_id: &str, chat: &str) -> Result<JsonObject> {
        self.member_call(Op::RemoveGroupParticipant, group_id, chat)
    }

    /// `setGroupAdmin`.
    pub fn set_group_admin(&self, group_id: &str, chat: &str) -> Result<JsonObject> {
        self.member_call(Op::SetGroupAdmin, group_id, chat)
    }

    /// `removeAdmin`.
    pub fn remove_admin(&self, group_id: &str, chat: &str) -> Result<JsonObject> {
        self.member_call(Op::RemoveAdmin, group_id, chat)
    }

    /// `leaveGroup`.
    pub fn leave_group(&self, group_id: &str) -> Result<JsonObject> {
        self.typed(Op::LeaveGroup, json!({ "groupId": group_id }), None)
    }

    /// `setGroupPicture`.
    pub fn set_group_picture(&self, group_id: &str, file: FileSource) -> Result<JsonObject> {
        self.typed(
            Op::SetGroupPicture,
            json!({ "groupId": group_id }),
            Some(file),
        )
    }

    fn member_call(&self, op: Op, group_id: &str, chat: &str) -> Result<JsonObject> {
        self.typed(
            op,
            json!({ "groupId": group_id, "participantChatId": chat }),
            None,
        )
    }
}
