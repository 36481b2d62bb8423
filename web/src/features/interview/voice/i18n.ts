//! UI strings of the voice and video interview (Russian first, English with the same keys);
//! spread into the interview feature's dictionaries.
import type { PluralForms } from "@/lib/i18n/plural";

export const voiceRu = {
  "voice.recording":
    "Если вы выберете голосовое интервью, оно записывается (звук и видео), чтобы рекрутер и руководитель могли его посмотреть. Запись хранится {period} и затем удаляется. Эмоции и внешность не анализируются.",
  "voice.recordingGeneric":
    "Если вы выберете голосовое интервью, оно записывается (звук и видео), чтобы рекрутер и руководитель могли его посмотреть. Запись хранится ограниченный срок и затем удаляется. Эмоции и внешность не анализируются.",
  "voice.days": { one: "{count} день", few: "{count} дня", many: "{count} дней", other: "{count} дня" },
  "voice.seconds": { one: "{count} секунду", few: "{count} секунды", many: "{count} секунд", other: "{count} секунды" },

  "voice.chooseTitle": "Как вам удобнее пройти собеседование?",
  "voice.chooseHint":
    "Вопросы одни и те же, формат выбираете вы. Обычно это занимает 15–30 минут; можно прерваться и вернуться по той же ссылке.",
  "voice.modeVoice": "Голосовое интервью с камерой",
  "voice.modeVoiceHint":
    "ИИ-интервьюер задаёт вопросы голосом, вы отвечаете вслух — как на обычном созвоне. Понадобятся камера, микрофон и тихое место. Интервью записывается.",
  "voice.modeChat": "Текстовый чат",
  "voice.modeChatHint": "Вопросы и ответы в переписке. Подойдёт, если сейчас неудобно говорить.",
  "voice.toDeviceCheck": "Продолжить с камерой",
  "voice.startChat": "Начать интервью в чате",
  "voice.recordingStarts": "Запись начнётся, когда вы нажмёте «{start}».",
  "voice.switchToVoice": "Продолжить голосом с камерой",

  "voice.checkTitle": "Проверка камеры и микрофона",
  "voice.checkHint": "Убедитесь, что вас видно и слышно: скажите что-нибудь — полоска уровня должна двигаться.",
  "voice.asking": "Запрашиваем доступ к камере и микрофону. Разрешите его в окне браузера.",
  "voice.preview": "Изображение с вашей камеры",
  "voice.micLevel": "Уровень звука микрофона",
  "voice.camera": "Камера",
  "voice.microphone": "Микрофон",
  "voice.testSound": "Проверить звук",
  "voice.testSoundPlaying": "Воспроизводим…",
  "voice.testPhrase": "Здравствуйте! Если вы слышите эту фразу, звук работает.",
  "voice.testSoundHint": "Не слышно? Проверьте громкость и наушники или колонки.",
  "voice.headphones": "Совет: наденьте наушники — так интервьюер не услышит сам себя, а вы сможете перебить его, если нужно.",
  "voice.startCall": "Начать интервью",
  "voice.resumeCall": "Продолжить интервью",
  "voice.useChat": "Пройти в текстовом чате",
  "voice.checkAgain": "Проверить снова",
  "voice.problem.denied": "Нет доступа к камере и микрофону",
  "voice.problem.deniedHint":
    "Браузер запретил доступ. Нажмите на значок камеры или замка слева в адресной строке, разрешите камеру и микрофон для этого сайта и нажмите «Проверить снова». На macOS проверьте также «Системные настройки → Конфиденциальность и безопасность → Камера» и «Микрофон».",
  "voice.problem.not_found": "Камера или микрофон не найдены",
  "voice.problem.not_foundHint":
    "Подключите камеру и микрофон (подойдёт веб-камера со встроенным микрофоном или гарнитура) и нажмите «Проверить снова».",
  "voice.problem.busy": "Камера или микрофон заняты",
  "voice.problem.busyHint": "Похоже, их использует другая программа (Zoom, Teams, Telegram). Закройте её и нажмите «Проверить снова».",
  "voice.problem.unsupported": "Браузер не поддерживает видеосвязь",
  "voice.problem.unsupportedHint":
    "Откройте ссылку в свежей версии Chrome, Яндекс Браузера, Edge, Firefox или Safari — или пройдите собеседование в текстовом чате.",
  "voice.problem.unknown": "Не удалось включить камеру и микрофон",
  "voice.problem.unknownHint": "Попробуйте ещё раз или пройдите собеседование в текстовом чате.",
  "voice.noCamera": "Камера не найдена",
  "voice.noMicrophone": "Микрофон не найден",

  "voice.callLabel": "Голосовое интервью",
  "voice.you": "Вы",
  "voice.interviewer": "ИИ-интервьюер",
  "voice.state.listening": "Слушаю вас",
  "voice.state.listeningHint": "Отвечайте, когда будете готовы. Паузы подумать — это нормально.",
  "voice.state.thinking": "Обдумываю ответ…",
  "voice.state.thinkingHint": "Интервьюер готовит следующий вопрос.",
  "voice.state.speaking": "Интервьюер говорит",
  "voice.state.speakingHint": "Можно перебить, если хотите что-то уточнить.",
  "voice.state.connecting": "Подключаемся…",
  "voice.state.connectingHint": "Соединяем вас с интервьюером, это займёт несколько секунд.",
  "voice.reconnecting": "Переподключение…",
  "voice.reconnectingHint": "Связь прервалась. Восстанавливаем её — интервью продолжится с того же вопроса.",
  "voice.elapsed": "Прошло времени",
  "voice.mute": "Выключить микрофон",
  "voice.unmute": "Включить микрофон",
  "voice.muted": "Микрофон выключен — интервьюер вас не слышит",
  "voice.lostAudio":
    "Микрофон отключился — интервьюер вас не слышит. Подключите его и обновите страницу: интервью продолжится с того же вопроса. Пока можно отвечать текстом.",
  "voice.lostVideo": "Камера отключилась. Подключите её и обновите страницу: интервью продолжится с того же вопроса.",
  "voice.transcript": "Вопросы и ответы",
  "voice.transcriptEmpty": "Здесь появятся вопросы интервьюера и ваши ответы.",
  "voice.typeHint": "Можно ответить и текстом: Enter — отправить. Такой ответ засчитывается так же, как устный.",
  "voice.channelDown": "Ответ можно будет отправить, когда связь восстановится",
  "voice.finishing": "Завершаем…",
  "voice.notice": "Сообщение интервьюера",

  "voice.busy": "Сейчас все интервьюеры заняты",
  "voice.busyRetryIn": "Попробуем подключиться снова через {time}. Можно подождать или пройти собеседование в текстовом чате.",
  "voice.busyRetrying": "Пробуем подключиться…",
  "voice.takenOver": "Интервью продолжается в другом окне",
  "voice.takenOverHint":
    "Собеседование открыли в другой вкладке или на другом устройстве, и оно продолжилось там. Здесь камера и микрофон выключены, эту вкладку можно закрыть.",
  "voice.rejected": "Не удалось начать голосовое интервью",
  "voice.server": "Связь с интервьюером прервалась",
  "voice.network": "Не удаётся подключиться",
  "voice.networkHint":
    "Проверьте интернет. В корпоративной сети или через VPN видеосвязь бывает заблокирована — попробуйте другую сеть или текстовый чат.",
  "voice.retry": "Подключиться снова",
} as const;

type Dict<T> = { [K in keyof T]: T[K] extends string ? string : PluralForms };

export const voiceEn: Dict<typeof voiceRu> = {
  "voice.recording":
    "If you choose the voice interview, it is recorded (sound and video) so that the recruiter and the hiring manager can watch it. The recording is kept for {period} and then deleted. No emotion or appearance analysis is done.",
  "voice.recordingGeneric":
    "If you choose the voice interview, it is recorded (sound and video) so that the recruiter and the hiring manager can watch it. The recording is kept for a limited time and then deleted. No emotion or appearance analysis is done.",
  "voice.days": { one: "{count} day", other: "{count} days" },
  "voice.seconds": { one: "{count} second", other: "{count} seconds" },

  "voice.chooseTitle": "How would you like to take the interview?",
  "voice.chooseHint":
    "The questions are the same, you choose the format. It usually takes 15–30 minutes; you can pause and come back by the same link.",
  "voice.modeVoice": "Voice interview with camera",
  "voice.modeVoiceHint":
    "An AI interviewer asks questions aloud and you answer aloud, like on a video call. You need a camera, a microphone and a quiet place. The interview is recorded.",
  "voice.modeChat": "Text chat",
  "voice.modeChatHint": "Questions and answers in writing. Good if you cannot talk right now.",
  "voice.toDeviceCheck": "Continue with camera",
  "voice.startChat": "Start the interview in chat",
  "voice.recordingStarts": "Recording starts when you press “{start}”.",
  "voice.switchToVoice": "Continue by voice with camera",

  "voice.checkTitle": "Camera and microphone check",
  "voice.checkHint": "Make sure you can be seen and heard: say something and the level bar should move.",
  "voice.asking": "Asking for access to your camera and microphone. Please allow it in the browser's prompt.",
  "voice.preview": "Your camera's picture",
  "voice.micLevel": "Microphone level",
  "voice.camera": "Camera",
  "voice.microphone": "Microphone",
  "voice.testSound": "Test the sound",
  "voice.testSoundPlaying": "Playing…",
  "voice.testPhrase": "Hello! If you can hear this, your sound works.",
  "voice.testSoundHint": "Nothing? Check the volume and your headphones or speakers.",
  "voice.headphones": "Tip: wear headphones, so the interviewer does not hear itself and you can interrupt it if you need to.",
  "voice.startCall": "Start the interview",
  "voice.resumeCall": "Resume the interview",
  "voice.useChat": "Take it in text chat",
  "voice.checkAgain": "Check again",
  "voice.problem.denied": "No access to the camera and microphone",
  "voice.problem.deniedHint":
    "The browser blocked access. Click the camera or lock icon at the left of the address bar, allow the camera and microphone for this site and press “Check again”. On macOS also check System Settings → Privacy & Security → Camera and Microphone.",
  "voice.problem.not_found": "No camera or microphone found",
  "voice.problem.not_foundHint":
    "Connect a camera and a microphone (a webcam with a built-in microphone or a headset will do) and press “Check again”.",
  "voice.problem.busy": "The camera or microphone is in use",
  "voice.problem.busyHint": "Another application (Zoom, Teams, Telegram) seems to be using it. Close it and press “Check again”.",
  "voice.problem.unsupported": "This browser does not support video calls",
  "voice.problem.unsupportedHint":
    "Open the link in a recent Chrome, Yandex Browser, Edge, Firefox or Safari, or take the interview in text chat.",
  "voice.problem.unknown": "Could not turn on the camera and microphone",
  "voice.problem.unknownHint": "Try again, or take the interview in text chat.",
  "voice.noCamera": "No camera found",
  "voice.noMicrophone": "No microphone found",

  "voice.callLabel": "Voice interview",
  "voice.you": "You",
  "voice.interviewer": "AI interviewer",
  "voice.state.listening": "Listening",
  "voice.state.listeningHint": "Answer when you are ready. Pausing to think is fine.",
  "voice.state.thinking": "Thinking…",
  "voice.state.thinkingHint": "The interviewer is preparing the next question.",
  "voice.state.speaking": "The interviewer is speaking",
  "voice.state.speakingHint": "You can interrupt if you want to ask something.",
  "voice.state.connecting": "Connecting…",
  "voice.state.connectingHint": "Connecting you to the interviewer; this takes a few seconds.",
  "voice.reconnecting": "Reconnecting…",
  "voice.reconnectingHint": "The connection dropped. We are restoring it and the interview will continue from the same question.",
  "voice.elapsed": "Time elapsed",
  "voice.mute": "Mute the microphone",
  "voice.unmute": "Unmute the microphone",
  "voice.muted": "Your microphone is off: the interviewer cannot hear you",
  "voice.lostAudio":
    "Your microphone was disconnected and the interviewer cannot hear you. Reconnect it and reload the page: the interview continues from the same question. Meanwhile you can type your answers.",
  "voice.lostVideo": "Your camera was disconnected. Reconnect it and reload the page: the interview continues from the same question.",
  "voice.transcript": "Questions and answers",
  "voice.transcriptEmpty": "The interviewer's questions and your answers will appear here.",
  "voice.typeHint": "You can also type an answer: Enter sends it. It counts just like a spoken one.",
  "voice.channelDown": "You can send an answer once the connection is back",
  "voice.finishing": "Finishing…",
  "voice.notice": "Message from the interviewer",

  "voice.busy": "All interviewers are busy right now",
  "voice.busyRetryIn": "We will try again in {time}. You can wait, or take the interview in text chat.",
  "voice.busyRetrying": "Trying to connect…",
  "voice.takenOver": "The interview continued in another window",
  "voice.takenOverHint":
    "The interview was opened in another tab or on another device and continued there. The camera and microphone are off here; you can close this tab.",
  "voice.rejected": "Could not start the voice interview",
  "voice.server": "The connection to the interviewer was lost",
  "voice.network": "Cannot connect",
  "voice.networkHint":
    "Check your internet connection. Corporate networks and VPNs sometimes block video calls; try another network or the text chat.",
  "voice.retry": "Connect again",
};
