<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * Registration for one event: the self enrolment form of one keyed instance (/local/cooperare/inscriere.php?key=…).
 *
 * Moodle's enrol/index.php sends anyone already enrolled in a course to the course page, so a person registered
 * for one event of the events course never sees the registration of the next one. This page shows the form of the
 * event's own instance whatever other instances of the course the person is enrolled through; enrol_self does the
 * rest (dates, capacity, cohort, welcome message) and the plugin's observer puts the person into the event's group.
 * Only keyed self enrolment instances the plugin wrote are served.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

use local_cooperare\local\enrolmethods;

require(__DIR__ . '/../../config.php');

// The link names the event's key; the enrolment form posts its hidden 'instance' (and the course in 'id').
$key = optional_param('key', '', PARAM_RAW);
$instanceid = optional_param('instance', 0, PARAM_INT);
$instance = enrolmethods::keyed_instance($instanceid, $key);
if (!$instance) {
    throw new moodle_exception('invalidrecord', 'error', '', 'enrol');
}
$course = get_course($instance->courseid);
$context = context_course::instance($course->id);
$url = new moodle_url('/local/cooperare/inscriere.php', ['key' => enrolmethods::key_of_instance($instance)]);
$PAGE->set_url($url);
require_login(null, false);
$PAGE->set_course($course);
$PAGE->set_context($context);
$PAGE->set_pagelayout('incourse');
$plugin = enrol_get_plugin('self');
$name = $plugin->get_instance_name($instance);
$PAGE->set_title($name);
$PAGE->set_heading($course->fullname);

if (isguestuser()) {
    // The form's "Continue" leads to the login page: come back here afterwards, not to the dashboard.
    $SESSION->wantsurl = $url->out(false);
}
$registered = $DB->record_exists('user_enrolments', ['enrolid' => $instance->id, 'userid' => $USER->id]);
$form = $registered ? '' : $plugin->enrol_page_hook($instance);
if (!$registered && $DB->record_exists('user_enrolments', ['enrolid' => $instance->id, 'userid' => $USER->id])) {
    // Just registered through the form (enrol_self has queued its own notification).
    redirect(new moodle_url('/course/view.php', ['id' => $course->id]));
}

echo $OUTPUT->header();
if ($registered) {
    // (The form, which names the instance, is not shown to someone registered already.)
    echo $OUTPUT->heading(format_string($name, true, ['context' => $context]));
    echo $OUTPUT->notification(get_string('registered', 'local_cooperare'), \core\output\notification::NOTIFY_SUCCESS);
    echo $OUTPUT->continue_button(new moodle_url('/course/view.php', ['id' => $course->id]));
} else {
    echo $form;
}
echo $OUTPUT->footer();
