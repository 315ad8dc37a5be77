"""The official sdkwa Python client (PyPI sdkwa-whatsapp-api-client) against
the sandbox: an independent check that the sandbox speaks the real protocol.

usage: official_client.py API_URL ID_INSTANCE API_TOKEN USER_ID USER_TOKEN
Prints one line per check and 'N passed, N failed' at the end.
"""
import base64
import sys

from sdkwa import SDKWA
from sdkwa.exceptions import AuthenticationError, ValidationError

url, id_instance, token, user_id, user_token = sys.argv[1:6]
api = SDKWA(id_instance=id_instance, api_token_instance=token, api_host=url)
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


chat = "79001234567@c.us"
check("getStateInstance", api.get_state_instance()["stateInstance"] == "authorized")
qr = api.get_qr()
check("qr alreadyLogged", qr["type"] == "alreadyLogged", qr)
settings = api.get_settings()
check("getSettings wid", settings["wid"] == "79990000000@c.us", settings)
check("setSettings", api.set_settings({"delaySendMessagesMilliseconds": 1500})["saveSettings"] is True)
check("settings saved", api.get_settings()["delaySendMessagesMilliseconds"] == 1500)

sent = api.send_message(chat, "Hello from the official client", link_preview=False)
check("sendMessage idMessage", len(sent.get("idMessage", "")) == 32, sent)
f = api.send_file_by_upload(chat, b"%PDF-1.4 test", "doc.pdf", caption="doc")
check("sendFileByUpload urlFile", f.get("urlFile", "").endswith("/doc.pdf"), f)
u = api.send_file_by_url(chat, "https://example.invalid/a.png", "a.png", caption="pic")
check("sendFileByUrl", "idMessage" in u, u)
loc = api.send_location(chat, 55.74093, 37.620508, name_location="Gallery", address="Lavrushinsky 10")
check("sendLocation", "idMessage" in loc, loc)
con = api.send_contact(chat, {"phoneContact": 79001234559, "firstName": "Ivan", "lastName": "Petrov"})
check("sendContact", "idMessage" in con, con)
up = api.upload_file(b"raw bytes")
check("uploadFile urlFile", up.get("urlFile", "").startswith(url), up)
hist = api.get_chat_history(chat, 10)
check("getChatHistory order", [m["typeMessage"] for m in hist[:2]] == ["contactMessage", "locationMessage"], hist[:2])
dl = api.download_file(chat, f["idMessage"])
check("downloadFile: the file's bytes", dl == b"%PDF-1.4 test", dl)
check("lastOutgoingMessages", len(api.last_outgoing_messages()) == 5)

n = api.receive_notification()
check("receiveNotification body", n and n["body"]["typeWebhook"] == "outgoingAPIMessageReceived", n)
check("deleteNotification", api.delete_notification(n["receiptId"])["result"] is True)
again = api.receive_notification()
check("next notification differs", again["receiptId"] != n["receiptId"], again)

contacts = api.get_contacts()
check("getContacts", any(c["id"] == chat for c in contacts), contacts)
check("getChats", api.get_chats()[0]["id"] == chat)
check("checkWhatsapp", api.check_whatsapp(79001234567)["existsWhatsapp"] is True)
info = api.get_contact_info(chat)
check("getContactInfo", info["chatId"] == chat and "isMute" in info, info)
check("readChat", api.read_chat(chat)["setRead"] is True)

g = api.create_group("Python group", ["79001234559@c.us"])
check("createGroup", g["created"] is True and g["chatId"].endswith("@g.us"), g)
check("addGroupParticipant", api.add_group_participant(g["chatId"], "79001234551@c.us")["addParticipant"] is True)
gd = api.get_group_data(g["chatId"])
check("getGroupData", len(gd["participants"]) == 3, gd)
check("updateGroupName", api.update_group_name(g["chatId"], "Renamed")["updateGroupName"] is True)
check("setGroupAdmin", api.set_group_admin(g["chatId"], "79001234551@c.us")["setGroupAdmin"] is True)

# The account API: the user's instances with their tokens, no instance token.
inst = SDKWA.get_instances(url, user_id, user_token)
mine = [i for i in inst["data"] if i["idInstance"] == id_instance]
check("get_instances lists the instance with its token", inst["result"] is True and mine and mine[0]["apiTokenInstance"] == token, inst)
created = SDKWA.create_instance(url, user_id, user_token, "DEVELOPER", "month1")
new_id = created["data"]["idInstance"]
check("create_instance", created["result"] is True and isinstance(new_id, int), created)
check("instance listed", any(i["idInstance"] == str(new_id) for i in SDKWA.get_instances(url, user_id, user_token)["data"]))
check("extend_instance", SDKWA.extend_instance(url, user_id, user_token, new_id, "BUSINESS", "month3")["result"] is True)
d = SDKWA.delete_instance(url, user_id, user_token, new_id)
check("delete_instance", d["data"]["deleteInstanceAccount"] is True, d)
r = SDKWA.restore_instance(url, user_id, user_token, new_id)
check("restore_instance", r["data"]["restoreInstanceAccount"] is True, r)
try:
    SDKWA.get_instances(url, user_id, "wrong-user-token")
    check("wrong user token refused", False)
except Exception as e:  # the static methods raise requests' HTTPError
    check("wrong user token refused", "401" in str(e), e)

# Telegram's login on a Telegram instance of the account.
new_token = [i for i in SDKWA.get_instances(url, user_id, user_token)["data"] if i["idInstance"] == str(new_id)][0]["apiTokenInstance"]
tg = SDKWA(id_instance=str(new_id), api_token_instance=new_token, api_host=url)
app = tg.create_app("Склад", "sklad", "https://example.invalid", "Бот", messenger="telegram")
check("create_app", app["result"] is True and isinstance(app["data"]["appId"], str), app)
check("send_confirmation_code", tg.send_confirmation_code(79001234567, messenger="telegram")["result"] is True)
si = tg.sign_in_with_confirmation_code("123456", messenger="telegram")
check("signInWithConfirmationCode", si["result"] is True, si)
check("authorized after sign-in", tg.get_state_instance(messenger="telegram")["stateInstance"] == "authorized")

try:
    api.send_message("not-a-chat", "x")
    check("400 raises ValidationError", False)
except ValidationError as e:
    check("400 raises ValidationError", e.status_code == 400 and "chatId" in e.message, e.message)

bad = SDKWA(id_instance=id_instance, api_token_instance="wrong", api_host=url)
try:
    bad.get_state_instance()
    check("401 raises AuthenticationError", False)
except AuthenticationError as e:
    check("401 raises AuthenticationError", e.status_code == 401)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
