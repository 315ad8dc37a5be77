"""The official sdkwa Python client (PyPI sdkwa-whatsapp-api-client) against
the sandbox: an independent check that the sandbox speaks the real protocol.

usage: official_client.py API_URL ID_INSTANCE API_TOKEN
Prints one line per check and 'N passed, N failed' at the end.
"""
import base64
import sys

from sdkwa import SDKWA
from sdkwa.exceptions import AuthenticationError, ValidationError

url, id_instance, token = sys.argv[1:4]
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
check("downloadFile by path id", dl.get("downloadUrl") == f["urlFile"], dl)
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
